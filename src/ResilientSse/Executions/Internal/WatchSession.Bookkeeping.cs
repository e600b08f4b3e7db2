using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ResilientSse.Diagnostics;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

internal sealed partial class WatchSession
{
    private async Task<ExecutionSnapshot?> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        ExecutionMetrics.SnapshotReads.Add(1);
        var result = await _snapshots.ReadAsync(_executionId, _endpoints, cancellationToken).ConfigureAwait(false);
        if (result.Snapshot is { } snapshot)
        {
            _lastContact = _time.GetTimestamp();
            ExecutionLog.SnapshotRead(_logger, _executionId, snapshot.StatusName, snapshot.LastEventId);
            Notify(ExecutionWatchNoticeKind.SnapshotChecked, $"Snapshot: {snapshot.StatusName}, last event {snapshot.LastEventId ?? "none"}.");
            return snapshot;
        }

        // The snapshot is authoritative on whether an execution exists; before any stream connection a 404
        // there means an unknown id. Once the stream has served the execution, a 404 is a server hiccup.
        if (result.NotFound && !_everConnected)
        {
            throw new ExecutionNotFoundException(_executionId, _endpoints.SnapshotUri);
        }

        ExecutionLog.SnapshotUnavailable(_logger, _executionId, result.Failure);
        return null;
    }

    /// <summary>Clamps a wait to what is left of the offline budget, or ends the watch when nothing is left.</summary>
    /// <exception cref="OfflineBudgetExceededException">No contact with the server for the whole budget.</exception>
    private TimeSpan ClampToOfflineBudget(TimeSpan delay)
    {
        var budget = _options.OfflineBudget;
        if (budget == Timeout.InfiniteTimeSpan)
        {
            return delay;
        }

        var offline = _time.GetElapsedTime(_lastContact);
        if (offline >= budget)
        {
            throw new OfflineBudgetExceededException(offline, budget,
                $"Gave up watching execution '{_executionId}': no contact with the server for {offline} (offline budget {budget}). Last cause: {Describe(_outcomeError)}.");
        }

        return Min(delay, budget - offline);
    }

    private async Task<bool> DelayUnlessDeadlineAsync(TimeSpan delay, CancellationToken deadline, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline);
        try
        {
            await Task.Delay(delay, _time, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void ReportStreamEnded()
    {
        ExecutionLog.StreamEnded(_logger, _executionId, _outcome, _outcomeError);
        Notify(ExecutionWatchNoticeKind.Disconnected, $"Stream ended before the terminal event: {_outcome} ({Describe(_outcomeError)}).", cause: _outcomeError);
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

    private void NotifyReconnecting(TimeSpan delay)
    {
        ExecutionLog.Reconnecting(_logger, _executionId, delay, _connections + 1);
        Notify(ExecutionWatchNoticeKind.Reconnecting,
            $"{(_polling ? "Polling" : "Reconnecting")} in {delay.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms.",
            attempt: _connections + 1, delay: delay);
    }

    private void Notify(ExecutionWatchNoticeKind kind, string message, int attempt = 0, TimeSpan? delay = null, Exception? cause = null)
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

    private static TimeSpan? RetryAfterOf(Exception? error) => (error as SseTransientException)?.RetryAfter;

    private static string Describe(Exception? error) => error?.Message ?? "the connection ended";

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private TimeSpan TimeUntil(long timestamp)
    {
        var now = _time.GetTimestamp();
        return now >= timestamp ? TimeSpan.Zero : _time.GetElapsedTime(now, timestamp);
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
