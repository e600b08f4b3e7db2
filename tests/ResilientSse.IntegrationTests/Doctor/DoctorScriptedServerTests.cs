namespace ResilientSse.IntegrationTests.Doctor;

/// <summary><c>doctor</c> as a process against small servers that each get one thing wrong: that finding, and no other.</summary>
public sealed class DoctorScriptedServerTests
{
    [Fact]
    public async Task WellBehavedStream_NothingNeedsFixing()
    {
        // Events every 250 ms rather than 400: "not-buffered" needs two live events on the watch's connection, which a
        // slow start of the doctor's process (a loaded machine) can leave too little of the run for.
        var run = await RunAsync(new ScriptedSseScript { EventInterval = TimeSpan.FromMilliseconds(250) });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Problems);
        Assert.Superset(new HashSet<string> { "retry", "heartbeat", "not-buffered", "resume" }, new HashSet<string>(run.Codes));
    }

    [Fact]
    public async Task IgnoresLastEventId_ReportsResumeIgnored()
    {
        var run = await RunAsync(new ScriptedSseScript { HonourLastEventId = false });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["resume-ignored"], run.Problems);
        Assert.Equal("error", run.Severities["resume-ignored"]);
    }

    [Fact]
    public async Task HonoursOnlyTheQuery_ReportsResumeIgnoredAsAWarning()
    {
        var run = await RunAsync(new ScriptedSseScript { ReadHeader = false });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["resume-ignored"], run.Problems);
        Assert.Equal("warning", run.Severities["resume-ignored"]);
        Assert.Contains("was honoured", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoRetryField_ReportsNoRetry()
    {
        var run = await RunAsync(new ScriptedSseScript { SendRetry = false });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["no-retry"], run.Problems);
    }

    [Fact]
    public async Task NeverHeartbeats_ReportsNoHeartbeat()
    {
        var run = await RunAsync(new ScriptedSseScript { Heartbeat = null, EventInterval = TimeSpan.FromMilliseconds(1500) });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["no-heartbeat"], run.Problems);
    }

    [Fact]
    public async Task FinishedStream_EndsWith204()
    {
        var run = await RunAsync(new ScriptedSseScript { Events = 3, EventInterval = TimeSpan.FromMilliseconds(100) });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("end-204", run.Codes);
    }

    [Fact]
    public async Task FinishedStreamAnsweredWithAnEmpty200_ReportsNo204()
    {
        var run = await RunAsync(new ScriptedSseScript { Events = 3, EventInterval = TimeSpan.FromMilliseconds(100), EndWith204 = false });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["no-204"], run.Problems);
    }

    [Fact]
    public async Task GzipCompressedStream_ReportsCompressed()
    {
        var run = await RunAsync(new ScriptedSseScript { Compress = true });

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["compressed"], run.Problems);
    }

    [Fact]
    public async Task EventLargerThanTheLimit_ReportsEventTooLarge()
    {
        var run = await RunAsync(new ScriptedSseScript { PaddingBytes = 3000 }, "--max-event-size", "2KiB");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["event-too-large"], run.Problems);
    }

    private static async Task<DoctorRun> RunAsync(ScriptedSseScript script, params string[] more)
    {
        await using var server = await ScriptedSseServer.StartAsync(script);
        return await DoctorRun.RunAsync(server.StreamUrl, "2s", more);
    }
}
