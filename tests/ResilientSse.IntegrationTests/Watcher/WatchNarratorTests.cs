using System.Net;
using System.Net.Sockets;
using ResilientSse.Executions;
using ResilientSse.Watcher;
using ResilientSse.Watcher.Output;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>What the console watcher says about the library's notices, and which of them it says without --verbose.</summary>
public sealed class WatchNarratorTests
{
    private static readonly Uri Server = new("http://127.0.0.1:5999/");
    private static readonly GiveUpPolicy GiveUp = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));

    [Fact]
    public void ReconnectingBeforeContact_SaysWhyWhatNextAndWhenItGivesUp()
    {
        var narrator = new WatchNarrator(Server, GiveUp);

        var narration = narrator.Narrate(Reconnecting(Refused(), TimeSpan.FromMilliseconds(1246)));

        Assert.Equal("cannot reach http://127.0.0.1:5999 (connection refused); retrying in 1.2s, giving up after 30s without contact", narration.Show);
    }

    [Fact]
    public void ReconnectingBeforeContact_SameReasonAgain_IsNotRepeated()
    {
        var narrator = new WatchNarrator(Server, GiveUp);
        narrator.Narrate(Reconnecting(Refused(), TimeSpan.FromSeconds(1)));

        var again = narrator.Narrate(Reconnecting(Refused(), TimeSpan.FromSeconds(2)));

        Assert.Null(again.Show);
        Assert.StartsWith("cannot reach", again.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceUnavailableWithRetryAfter_NamesStatusAndWait()
    {
        var narrator = new WatchNarrator(Server, GiveUp);
        var cause = new SseTransientException(SseTransientReason.HttpStatus, "503") { StatusCode = HttpStatusCode.ServiceUnavailable, RetryAfter = TimeSpan.FromSeconds(1) };

        var narration = narrator.Narrate(Reconnecting(cause, TimeSpan.FromSeconds(1)));

        Assert.Equal("http://127.0.0.1:5999 is not serving (503 Service Unavailable, Retry-After 1s); retrying in 1s, giving up after 30s without contact", narration.Show);
    }

    [Fact]
    public void OneCutAfterConnected_IsRoutine_ButASecondFailedAttemptIsShownWithTheOfflineBudget()
    {
        var narrator = new WatchNarrator(Server, GiveUp);
        narrator.Narrate(Notice(ExecutionWatchNoticeKind.Connected));
        var idle = new SseTransientException(SseTransientReason.IdleTimeout, "idle");

        var first = narrator.Narrate(Reconnecting(idle, TimeSpan.FromMilliseconds(250)));
        var second = narrator.Narrate(Reconnecting(Refused(), TimeSpan.FromSeconds(2)));

        Assert.Null(first.Show);
        Assert.Equal("lost the stream from http://127.0.0.1:5999 (idle timeout: no bytes, not even a heartbeat); retrying in 250ms, giving up after 10m without contact", first.Line);
        Assert.Equal("lost the stream from http://127.0.0.1:5999 (connection refused); retrying in 2s, giving up after 10m without contact", second.Show);
        Assert.Equal("connected to http://127.0.0.1:5999 again", narrator.Narrate(Notice(ExecutionWatchNoticeKind.Connected)).Show);
    }

    [Fact]
    public void ProxyCut_IsACleanEndByTheServerOrAProxy()
    {
        var narrator = new WatchNarrator(Server, GiveUp);

        var narration = narrator.Narrate(Notice(ExecutionWatchNoticeKind.Disconnected));

        Assert.Equal("stream ended: the server or a proxy ended the stream", narration.Line);
    }

    [Fact]
    public void PollingStarted_IsShownOnlyOnceASnapshotShowsTheExecutionExists()
    {
        var narrator = new WatchNarrator(Server, GiveUp);

        var polling = narrator.Narrate(new ExecutionWatchNotice("x", ExecutionWatchNoticeKind.PollingStarted, "polling")
        {
            Cause = new SseHttpStatusException(HttpStatusCode.NotFound, null, "404"),
        });
        var snapshot = narrator.Narrate(Notice(ExecutionWatchNoticeKind.SnapshotChecked));

        Assert.Null(polling.Show);
        Assert.Equal("the stream cannot serve this execution (404 Not Found); polling the snapshot until it can", snapshot.Show);
        Assert.StartsWith("polling the snapshot: 404 Not Found", narrator.State, StringComparison.Ordinal);
    }

    private static ExecutionWatchNotice Notice(ExecutionWatchNoticeKind kind) => new("x", kind, kind.ToString());

    private static ExecutionWatchNotice Reconnecting(ResilientSseException cause, TimeSpan delay) =>
        new("x", ExecutionWatchNoticeKind.Reconnecting, "Reconnecting.") { Cause = cause, Delay = delay };

    private static SseTransientException Refused() =>
        new(SseTransientReason.NetworkError, "refused", new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)));
}
