using Microsoft.Extensions.Time.Testing;
using ResilientSse.Watcher.Doctor;
using static ResilientSse.IntegrationTests.Doctor.Observations;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>
/// Bytes that arrived while the doctor's own process was paused are read together at the pause's end: that is the
/// doctor's delay, not a path that buffers, and the analysis does not count it as evidence of buffering.
/// </summary>
public sealed class DoctorPauseTests
{
    /// <summary>Written every 500 ms after the first, the second of each pair read 500 ms late, together with the next.</summary>
    private static ConnectionRecord HeldInPairs() => Watch() with
    {
        Events = [Event("1", Ms(500)), Event("2", Ms(1500), late: Ms(500)), Event("3", Ms(1501)), Event("4", Ms(2500), late: Ms(500)), Event("5", Ms(2501))],
    };

    [Fact]
    public void Analyze_EventsReadTogetherRightAfterTheDoctorPaused_AreNotBuffering()
    {
        var observation = Of(HeldInPairs(), Check("4", "5")) with { Pauses = [new(Ms(1000), Ms(1500)), new(Ms(2000), Ms(2500))] };

        var findings = DoctorAnalysis.Analyze(observation);

        Assert.DoesNotContain("buffered", findings.Select(f => f.Code));
        Assert.Equal(0, DoctorAnalysis.ExitCode(findings));
    }

    [Fact]
    public void Analyze_EventsHeldWhileTheDoctorRan_StillReportBuffered()
    {
        // A pause elsewhere in the observation excuses nothing.
        var observation = Of(HeldInPairs(), Check("4", "5")) with { Pauses = [new(Ms(200), Ms(400))] };

        var findings = DoctorAnalysis.Analyze(observation);

        Assert.Contains("buffered", findings.Select(f => f.Code));
    }

    [Fact]
    public void Analyze_HeartbeatsReadTogetherRightAfterAPause_AreNotBuffering()
    {
        var watch = Watch() with { Events = [], Comments = [Ms(1000), Ms(1001), Ms(1002), Ms(2000), Ms(2001)], LastByteAt = Ms(2001) };
        var observation = Of(watch) with { Pauses = [new(Ms(700), Ms(1000)), new(Ms(1700), Ms(2000))] };

        var findings = DoctorAnalysis.Analyze(observation);

        Assert.DoesNotContain("buffered", findings.Select(f => f.Code));
    }

    [Fact]
    public void PauseMonitor_ClockJumpsPastTheThreshold_RecordsThePause()
    {
        var time = new FakeTimeProvider();
        using var monitor = new PauseMonitor(time, time.GetTimestamp());

        time.Advance(TimeSpan.FromMilliseconds(200)); // to the monitor, 200 ms between two wake-ups
        var seen = SpinWait.SpinUntil(() => monitor.Pauses.Count > 0, TimeSpan.FromSeconds(10));

        Assert.True(seen, "the monitor woke and saw the gap");
        var pause = Assert.Single(monitor.Pauses);
        Assert.Equal(TimeSpan.Zero, pause.From);
        Assert.Equal(TimeSpan.FromMilliseconds(200), pause.To);
    }

    [Fact]
    public void PauseMonitor_ClockMovesInSmallSteps_RecordsNothing()
    {
        var time = new FakeTimeProvider();
        using var monitor = new PauseMonitor(time, time.GetTimestamp());

        time.Advance(PauseMonitor.Threshold - TimeSpan.FromMilliseconds(1));
        var seen = SpinWait.SpinUntil(() => monitor.Pauses.Count > 0, TimeSpan.FromMilliseconds(200));

        Assert.False(seen);
    }
}
