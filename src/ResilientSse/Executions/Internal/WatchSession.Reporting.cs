using System.Globalization;
using System.Text.Json;
using ResilientSse.Diagnostics;
using ResilientSse.Streaming;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

/// <summary>What a watch tells the world: notices, logs and metrics.</summary>
internal sealed partial class WatchSession
{
    private void OnConnected(SseConnection connection)
    {
        _connections++;
        (_everConnected, _reached) = (true, true);
        _lastContact = _time.GetTimestamp();
        _waits.OnConnected();
        var lastEventId = _sequencer.LastEventId;
        ExecutionLog.Connected(_logger, _executionId, _connections, lastEventId);
        Notify(ExecutionWatchNoticeKind.Connected,
            lastEventId is { } id ? $"Stream connected (connection {_connections}), resuming after event {id}." : $"Stream connected (connection {_connections}).",
            attempt: _connections);
    }

    private void OnConnectionEnded(SseConnection connection, AttemptReport report)
    {
        if (connection.ReconnectionInterval is { } retry)
        {
            _waits.SetServerRetry(retry);
        }

        _waits.OnConnectionEnded();
        _lastContact = _time.GetTimestamp();
    }

    private void ReportAttemptEnded(AttemptReport report)
    {
        ExecutionLog.StreamEnded(_logger, _executionId, report.Signal, report.Error);
        Notify(ExecutionWatchNoticeKind.Disconnected, $"Stream ended before the terminal event: {report.Signal} ({Describe(report.Error)}).", cause: report.Error);
    }

    private void ReportGap(ExecutionEvent gap)
    {
        var (from, to) = (gap.MissingFrom!.Value, gap.MissingTo!.Value);
        ExecutionMetrics.MissingEvents.Add(to - from + 1);
        ExecutionLog.Gap(_logger, _executionId, from, to);
        Notify(ExecutionWatchNoticeKind.Gap, $"Events {from}..{to} could not be obtained.");
    }

    private void ReportFinished(ExecutionEvent terminal, DateTimeOffset? serverTime)
    {
        serverTime ??= TimestampOf(terminal.Data);
        if (serverTime is { } time)
        {
            ExecutionMetrics.TerminalDelay.Record((terminal.ReceivedAt - time).TotalMilliseconds);
        }

        ExecutionLog.Finished(_logger, _executionId, terminal.Status?.ToString() ?? "?", terminal.Source.ToString());
    }

    private void NotifyReconnecting(TimeSpan delay, int failures)
    {
        ExecutionLog.Reconnecting(_logger, _executionId, delay, _connections + 1);
        Notify(ExecutionWatchNoticeKind.Reconnecting,
            $"Reconnecting in {delay.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms.",
            attempt: _connections + 1, delay: delay, cause: _lastFailure);
    }

    private void Notify(ExecutionWatchNoticeKind kind, string message, int attempt = 0, TimeSpan? delay = null, ResilientSseException? cause = null)
    {
        if (kind is not (ExecutionWatchNoticeKind.Connected or ExecutionWatchNoticeKind.SnapshotChecked))
        {
            ExecutionActivity.AddEvent(_activity, kind.ToString(), message);
        }

        _options.OnNotice?.Invoke(new ExecutionWatchNotice(_executionId, kind, message) { Attempt = attempt, Delay = delay, Cause = cause });
    }

    private static DateTimeOffset? TimestampOf(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty("timestamp", out var value)
        && value.ValueKind == JsonValueKind.String
        && value.TryGetDateTimeOffset(out var time)
            ? time
            : null;

    private static string Describe(Exception? error) => error?.Message ?? "the connection ended";
}
