using ResilientSse.Executions;
using ResilientSse.Streaming;

namespace ResilientSse.Watcher.Output;

/// <summary>
/// Turns the library's notices into sentences that say why and what next, e.g. <c>cannot reach http://127.0.0.1:5999
/// (connection refused); retrying in 1.2s, giving up after 30s without contact</c>, and decides which of them matter
/// without <c>--verbose</c>: trouble before the first contact, trouble that outlasts one reconnect, recovery after it,
/// and polling once the snapshot has shown that the execution exists (so an unknown execution never reads as polling).
/// </summary>
internal sealed class WatchNarrator(Uri server, GiveUpPolicy giveUp)
{
    private readonly Lock _lock = new();
    private bool _contacted;
    private bool _streamed;
    private int _reconnectsSinceConnected;
    private string? _shownTrouble;
    private string? _pendingPolling;
    private bool _pollingShown;

    /// <summary>What the watch is doing now, in a few words, for the live view.</summary>
    public string State { get; private set; } = "connecting";

    /// <summary>Something the server answered successfully: the first contact was made.</summary>
    public void Contacted()
    {
        lock (_lock)
        {
            _contacted = true;
        }
    }

    public Narration Narrate(ExecutionWatchNotice notice)
    {
        lock (_lock)
        {
            switch (notice.Kind)
            {
                case ExecutionWatchNoticeKind.Connected:
                    return OnConnected(notice.Message);
                case ExecutionWatchNoticeKind.SnapshotChecked:
                    _contacted = true;
                    var polling = _pendingPolling;
                    _pendingPolling = null;
                    _pollingShown |= polling is not null;
                    return new Narration(notice.Message, polling);
                case ExecutionWatchNoticeKind.Disconnected:
                    return new Narration($"stream ended: {TroubleText.Reason(notice.Cause)}", null);
                case ExecutionWatchNoticeKind.Reconnecting:
                    return OnReconnecting(notice.Cause, notice.Delay);
                case ExecutionWatchNoticeKind.PollingStarted:
                    var line = $"the stream cannot serve this execution ({TroubleText.Reason(notice.Cause)}); polling the snapshot until it can";
                    State = $"polling the snapshot: {TroubleText.Reason(notice.Cause)}";
                    _pendingPolling = line;
                    return new Narration(line, null);
                case ExecutionWatchNoticeKind.StreamRestored:
                    State = "running";
                    _pendingPolling = null;
                    var shown = _pollingShown;
                    _pollingShown = false;
                    return new Narration("the stream is available again; polling stopped", shown ? "the stream is available again; polling stopped" : null);
                default:
                    return new Narration(notice.Message, null);
            }
        }
    }

    public Narration Narrate(SseNotice notice)
    {
        lock (_lock)
        {
            return notice.Kind switch
            {
                SseNoticeKind.Connected => OnConnected(notice.Message),
                SseNoticeKind.Disconnected => new Narration($"stream ended: {TroubleText.Reason(notice.Cause)}", null),
                SseNoticeKind.Reconnecting => OnReconnecting(notice.Cause, notice.Delay),
                _ => new Narration(notice.Message, null),
            };
        }
    }

    /// <summary>The line for a failed attempt to reach the server before a retry, e.g. while starting an execution.</summary>
    public Narration Retrying(Exception? cause, TimeSpan delay)
    {
        lock (_lock)
        {
            return OnReconnecting(cause, delay);
        }
    }

    private Narration OnConnected(string message)
    {
        _contacted = true;
        _streamed = true;
        _reconnectsSinceConnected = 0;
        State = "running";
        var recovered = _shownTrouble is not null;
        _shownTrouble = null;
        return new Narration(message, recovered ? $"connected to {TroubleText.Authority(server)} again" : null);
    }

    private Narration OnReconnecting(Exception? cause, TimeSpan? delay)
    {
        _reconnectsSinceConnected++;
        var reason = TroubleText.Reason(cause);
        var next = delay is { } wait ? $"retrying in {Duration.Format(wait)}" : "retrying";
        var budget = _contacted ? giveUp.Offline : giveUp.FirstContact;
        var what = (_contacted, _streamed, cause) switch
        {
            (false, _, SseTransientException { Reason: SseTransientReason.HttpStatus }) => $"{TroubleText.Authority(server)} is not serving ({reason})",
            (false, _, _) => $"cannot reach {TroubleText.Authority(server)} ({reason})",
            (true, false, _) => $"cannot open the stream from {TroubleText.Authority(server)} ({reason})",
            (true, true, _) => $"lost the stream from {TroubleText.Authority(server)} ({reason})",
        };
        var line = $"{what}; {next}, giving up after {Duration.Format(budget)} without contact";
        State = $"reconnecting: {reason}; {next}";

        // Before the first contact every new reason is news; after it, one cut that the next attempt mends is routine.
        var show = (!_contacted || _reconnectsSinceConnected >= 2) && reason != _shownTrouble;
        if (show)
        {
            _shownTrouble = reason;
        }

        return new Narration(line, show ? line : null);
    }
}
