using ResilientSse.Watcher.Doctor;
using static ResilientSse.IntegrationTests.Doctor.Observations;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>The pure analysis: each finding from the observation that shows it, and from no other (no sockets, no clock).</summary>
public sealed class DoctorAnalysisTests
{
    [Fact]
    public void Analyze_HealthyStream_ReportsOnlyInfoAndExitsZero()
    {
        var findings = DoctorAnalysis.Analyze(Of(Watch(), Check("4", "5")));

        Assert.Equal(["response", "retry", "heartbeat", "not-buffered", "resume", "event-size"], findings.Select(f => f.Code));
        Assert.All(findings, f => Assert.Equal(FindingSeverity.Info, f.Severity));
        Assert.Equal(0, DoctorAnalysis.ExitCode(findings));
        Assert.Contains("~250ms", Single(findings, "heartbeat").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_NoResponse_ReportsUnreachableAloneAndExitsTwo()
    {
        var findings = DoctorAnalysis.Analyze(Of(new ConnectionRecord { Error = "Connection refused", End = ConnectionEnd.Failed }));

        Assert.Equal("unreachable", Assert.Single(findings).Code);
        Assert.Equal(2, DoctorAnalysis.ExitCode(findings));
    }

    [Theory]
    [InlineData(404, "text/html", "status")]
    [InlineData(204, null, "status")]
    [InlineData(200, "text/plain", "content-type")]
    [InlineData(200, null, "content-type")]
    public void Analyze_NotAStream_ReportsWhyAloneAndExitsTwo(int status, string? mediaType, string code)
    {
        var findings = DoctorAnalysis.Analyze(Of(new ConnectionRecord { Status = status, MediaType = mediaType, End = ConnectionEnd.NotAStream }));

        Assert.Equal(code, Assert.Single(findings).Code);
        Assert.Equal(2, DoctorAnalysis.ExitCode(findings));
    }

    [Fact]
    public void Analyze_NoRetryField_ReportsNoRetry() =>
        AssertProblems(Of(Watch() with { RetryMilliseconds = null }, Check("4", "5") with { RetryMilliseconds = null }), "no-retry");

    [Theory]
    [InlineData(null)]
    [InlineData("public, max-age=60")]
    public void Analyze_CacheableResponse_ReportsCacheControl(string? cacheControl) =>
        AssertProblems(Of(Watch() with { CacheControl = cacheControl }, Check("4", "5")), "cache-control");

    [Fact]
    public void Analyze_CharsetOtherThanUtf8_ReportsCharset() =>
        AssertProblems(Of(Watch() with { Charset = "iso-8859-1" }, Check("4", "5")), "charset");

    [Fact]
    public void Analyze_Utf8Charset_IsFine() =>
        AssertProblems(Of(Watch() with { Charset = "utf-8" }, Check("4", "5")));

    [Fact]
    public void Analyze_ContentEncoding_ReportsCompressed() =>
        AssertProblems(Of(Watch() with { ContentEncoding = "gzip" }, Check("4", "5")), "compressed");

    [Fact]
    public void Analyze_AccelBufferingYes_ReportsIt() =>
        AssertProblems(Of(Watch() with { AccelBuffering = "yes" }, Check("4", "5")), "x-accel-buffering");

    [Fact]
    public void Analyze_NoAccelBufferingHeader_IsFine_NginxRemovesIt() =>
        AssertProblems(Of(Watch() with { AccelBuffering = null }, Check("4", "5")));

    [Fact]
    public void Analyze_EventsHeldAndReleasedTogether_ReportsBuffered()
    {
        // Written every 500 ms after the first, released two at a time: the first of each pair 500 ms late.
        var held = Watch() with
        {
            Events = [Event("1", Ms(500)), Event("2", Ms(1500), late: Ms(500)), Event("3", Ms(1501)), Event("4", Ms(2500), late: Ms(500)), Event("5", Ms(2501))],
        };

        var findings = AssertProblems(Of(held, Check("4", "5")), "buffered");

        Assert.Equal(FindingSeverity.Error, Single(findings, "buffered").Severity);
        Assert.Contains("2 of 4 live events arrived 500ms–500ms later", Single(findings, "buffered").Evidence, StringComparison.Ordinal);
        Assert.Contains("2 event(s) written ≥ 150ms apart arrived within 20ms", Single(findings, "buffered").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_HeartbeatsArrivingTogether_ReportsBuffered()
    {
        var held = Watch() with { Events = [], Comments = [Ms(1000), Ms(1001), Ms(1002), Ms(2000), Ms(2001)], LastByteAt = Ms(2001) };

        var findings = DoctorAnalysis.Analyze(Of(held));

        Assert.Contains("buffered", findings.Select(f => f.Code));
        Assert.Contains("3 heartbeat comment(s)", Single(findings, "buffered").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_ReplayedEventsArrivingTogether_AreNotBuffering()
    {
        // Events 1..3 were written long before the request (the log replayed at once), then 4 and 5 came live.
        var replay = Watch() with
        {
            Events = [Event("1", Ms(20), late: Ms(60_020)), Event("2", Ms(21), late: Ms(30_021)), Event("3", Ms(22), late: Ms(10_022)), Event("4", Ms(500)), Event("5", Ms(1000))],
        };

        AssertProblems(Of(replay, Check("4", "5")));
    }

    [Fact]
    public void Analyze_ClockSkewAlone_IsNotBuffering()
    {
        // The server's clock is 7 s behind: every event looks 7 s late, none later than another.
        var skewed = Watch() with { Events = [.. Watch().Events.Select(e => e with { Timestamp = e.Timestamp - TimeSpan.FromSeconds(7) })] };

        AssertProblems(Of(skewed with { StartedWall = Wall - TimeSpan.FromSeconds(8) }, Check("4", "5")));
    }

    [Fact]
    public void Analyze_CloseAfterSilence_ReportsIdleCutWithTheSilenceAndTheHeartbeats()
    {
        var cut = Watch() with { Comments = [], End = ConnectionEnd.Closed, LastByteAt = Ms(2500), EndedAt = Ms(4500) };
        var next = Watch() with { LastEventIdSent = "5", Via = ResumeVia.Header, StartedAt = Ms(4600), HeadersAt = Ms(4610), Events = [Event("6", Ms(4700))], Comments = [], LastByteAt = Ms(4700), EndedAt = Ms(5000) };

        var findings = AssertProblems(Of(cut, next), "idle-cut", "no-heartbeat");

        Assert.Contains("closed after ~2s of silence", Single(findings, "idle-cut").Evidence, StringComparison.Ordinal);
        Assert.Contains("no heartbeat was seen", Single(findings, "idle-cut").Evidence, StringComparison.Ordinal);
        Assert.Contains("Last-Event-ID: 5 went on at id 6", Single(findings, "resume").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_IdleCutWithHeartbeatsSeen_NamesTheirInterval()
    {
        var cut = Watch() with { Events = [], Comments = [Ms(1000), Ms(2000)], End = ConnectionEnd.Closed, LastByteAt = Ms(2000), EndedAt = Ms(4000) };

        var findings = DoctorAnalysis.Analyze(Of(cut));

        Assert.Contains("~2s of silence (1 time(s)); heartbeats come every ~1s", Single(findings, "idle-cut").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_CloseRightAfterAnEvent_IsNotAnIdleCut()
    {
        var ended = Watch() with { Comments = [], End = ConnectionEnd.Closed, LastByteAt = Ms(2500), EndedAt = Ms(2510) };
        var gone = new ConnectionRecord { LastEventIdSent = "5", Via = ResumeVia.Header, Status = 204, StartedAt = Ms(3500), End = ConnectionEnd.NotAStream, EndedAt = Ms(3510) };

        var findings = AssertProblems(Of(ended, gone, Check("4", "5")));

        Assert.Contains("end-204", findings.Select(f => f.Code));
    }

    [Fact]
    public void Analyze_EndAnsweredWithAnEmpty200_ReportsNo204()
    {
        var ended = Watch() with { Comments = [], End = ConnectionEnd.Closed, LastByteAt = Ms(2500), EndedAt = Ms(2510) };
        var empty = Watch() with { LastEventIdSent = "5", Via = ResumeVia.Header, StartedAt = Ms(3500), HeadersAt = Ms(3510), Events = [], Comments = [], LastByteAt = Ms(3511), End = ConnectionEnd.Closed, EndedAt = Ms(3512) };

        AssertProblems(Of(ended, empty, Check("4", "5")), "no-204");
    }

    [Fact]
    public void Analyze_LongSilenceWithoutComments_ReportsNoHeartbeat()
    {
        var quiet = Watch() with { Events = [Event("1", Ms(100))], Comments = [], LastByteAt = Ms(100) };

        var findings = DoctorAnalysis.Analyze(Of(quiet));

        Assert.Contains("no-heartbeat", findings.Select(f => f.Code));
        Assert.Contains("silent for up to 2.9s", Single(findings, "no-heartbeat").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_NotAByteOfTheBody_SaysSo()
    {
        var mute = Watch() with { Events = [], Comments = [], RetryMilliseconds = null, LastByteAt = null };

        var findings = DoctorAnalysis.Analyze(Of(mute));

        Assert.Contains("Not a byte of the body arrived", Single(findings, "no-heartbeat").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_BusyStreamWithoutComments_DoesNotClaimNoHeartbeat()
    {
        var busy = Watch() with { Events = [.. Enumerable.Range(1, 30).Select(i => Event(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Ms(100 * i)))], Comments = [], LastByteAt = Ms(3000) };

        AssertProblems(Of(busy, Check("29", "30")));
    }

    [Theory]
    [InlineData("1", "Ignored", "resume-ignored")]
    [InlineData("3", "Repeats", "resume-repeats")]
    [InlineData("5", "Skips", "resume-skips")]
    public void Analyze_ResumptionGoneWrong_ReportsHowAsAnError(string firstAfter3, string verdict, string code)
    {
        Assert.Equal(verdict, ResumeJudge.Judge("3", firstAfter3, ["1", "2", "3", "4", "5"]).ToString());

        var findings = AssertProblems(Of(Watch(), Check("3", firstAfter3)), code);

        Assert.Equal(FindingSeverity.Error, Single(findings, code).Severity);
    }

    [Fact]
    public void Analyze_HeaderIgnoredButQueryHonoured_IsAWarningThatSaysSo()
    {
        var findings = AssertProblems(Of(Watch(), Check("3", "1"), Check("3", "4", ResumeVia.Query)), "resume-ignored");

        Assert.Equal(FindingSeverity.Warning, Single(findings, "resume-ignored").Severity);
        Assert.Contains("?lastEventId=3 was honoured", Single(findings, "resume-ignored").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_ResumptionRefused_ReportsResumeFailed()
    {
        var refused = Check("4", null) with { Status = 400, MediaType = "application/problem+json", End = ConnectionEnd.NotAStream, Events = [] };

        AssertProblems(Of(Watch(), refused), "resume-failed");
    }

    [Fact]
    public void Analyze_ResumptionOutOfTimeBeforeItsAnswer_IsNotAFailure()
    {
        var late = new ConnectionRecord { LastEventIdSent = "5", Via = ResumeVia.Header, StartedAt = Ms(2990), Error = "no response within 10ms", End = ConnectionEnd.TimeUp, EndedAt = Ms(3000) };

        AssertProblems(Of(Watch(), late, Check("4", "5")));
    }

    [Fact]
    public void Analyze_EventsWithoutIds_ReportsNoId()
    {
        var anonymous = Watch() with { Events = [.. Watch().Events.Select(e => e with { Id = null })] };

        AssertProblems(Of(anonymous), "no-id");
    }

    [Fact]
    public void Analyze_EventOverTheLimit_ReportsEventTooLarge()
    {
        var large = Watch() with { Events = [.. Watch().Events, Event("6", Ms(2900), bytes: 3 * 1024 * 1024)] };

        var findings = AssertProblems(Of(large, Check("5", "6")), "event-too-large");

        Assert.Contains("The largest event was 3 MiB; the client's limit is 1 MiB", Single(findings, "event-too-large").Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitCode_WarningsAndErrorsNeedAction_InfoDoesNot()
    {
        Assert.Equal(0, DoctorAnalysis.ExitCode([new Finding("retry", FindingSeverity.Info, "s", "e", string.Empty)]));
        Assert.Equal(1, DoctorAnalysis.ExitCode([new Finding("no-retry", FindingSeverity.Warning, "s", "e", "a")]));
        Assert.Equal(1, DoctorAnalysis.ExitCode([new Finding("buffered", FindingSeverity.Error, "s", "e", "a")]));
    }

    private static IReadOnlyList<Finding> AssertProblems(DoctorObservation observation, params string[] codes)
    {
        var findings = DoctorAnalysis.Analyze(observation);
        Assert.Equal(codes.Order(), findings.Where(f => f.Severity != FindingSeverity.Info).Select(f => f.Code).Order());
        Assert.Equal(codes.Length > 0 ? 1 : 0, DoctorAnalysis.ExitCode(findings));
        Assert.All(findings.Where(f => f.Severity != FindingSeverity.Info), f => Assert.NotEmpty(f.Advice));
        return findings;
    }

    private static Finding Single(IReadOnlyList<Finding> findings, string code) => Assert.Single(findings, f => f.Code == code);
}
