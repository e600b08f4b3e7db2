using System.Diagnostics;
using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>The subscription's bookkeeping: the offline budget, the backoff, and what is reported to callbacks, logs and metrics.</summary>
internal sealed partial class SseSubscriptionEnumerator
{
    private int _attempts;
    private int _failuresInARow;
    private int _connections;
    private long _lastContact;
    private bool _delivered;
    private ReconnectGovernor.Membership? _lane;

    private bool BudgetExhausted() =>
        _options.OfflineBudget != Timeout.InfiniteTimeSpan && _timeProvider.GetElapsedTime(_lastContact) >= _options.OfflineBudget;

    /// <summary>
    /// The wait the last answer earned: after a cut of a connection that delivered events, or after a failure. Never
    /// shortened to fit the offline budget: no request goes out before its owed wait, and the budget is checked after.
    /// </summary>
    private TimeSpan NextDelay(Exception? cause, bool delivered)
    {
        _delivered = false;
        return delivered ? _waits.AfterDeliveringCut() : _waits.AfterFailure((cause as SseTransientException)?.RetryAfter);
    }

    private void ReportConnected(SseConnection connection)
    {
        _connections++;
        _failuresInARow = 0;
        _lastContact = _timeProvider.GetTimestamp();
        _waits.OnConnected();
        SseMetrics.Connections.Add(1);
        SseLog.Connected(_logger, connection.RequestUri, _connections, _lastEventId);
        _activity?.AddEvent(new ActivityEvent("connected"));
        _options.OnConnected?.Invoke(new SseConnectedArguments(_connections, connection.RequestUri, _lastEventId));
    }

    private void ReportDisconnected(SseConnection connection, Exception? cause)
    {
        _cause = cause;
        _lastEventId = connection.LastEventId ?? _lastEventId;
        if (connection.ReconnectionInterval is { } retry)
        {
            _waits.SetServerRetry(retry);
        }

        _waits.OnConnectionEnded();
        _lastContact = _timeProvider.GetTimestamp();
        SseLog.Disconnected(_logger, _connections, cause);
        _options.OnDisconnected?.Invoke(new SseDisconnectedArguments(_connections, cause));
    }

    private void ReportReconnecting(TimeSpan delay, Exception? cause)
    {
        _failuresInARow++;
        SseMetrics.Reconnects.Add(1);
        SseLog.Reconnecting(_logger, delay, _failuresInARow, cause);
        _activity?.AddEvent(new ActivityEvent("reconnecting"));
        _options.OnReconnecting?.Invoke(new SseReconnectingArguments(_failuresInARow, delay, cause));
    }
}
