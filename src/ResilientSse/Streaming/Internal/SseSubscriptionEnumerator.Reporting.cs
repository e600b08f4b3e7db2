using System.Diagnostics;
using System.Globalization;
using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>The subscription's bookkeeping: the offline budget, the backoff, and what is reported to the notice callback, logs and metrics.</summary>
internal sealed partial class SseSubscriptionEnumerator<T>
{
    private int _attempts;
    private int _failuresInARow;
    private int _connections;
    private long _lastContact;
    private bool _delivered;
    private bool _disposing;
    private bool _reached;
    private bool _observerFailed;
    private ReconnectGovernor.Membership? _lane;

    /// <summary>The budget in force: the first-contact budget until the server answers at all (any status), then the offline budget.</summary>
    private TimeSpan Budget => ContactBudget.InForce(_reached, _options.OfflineBudget, _options.FirstContactBudget);

    private bool BudgetExhausted() => ContactBudget.Spent(Budget, _timeProvider.GetElapsedTime(_lastContact));

    /// <summary>
    /// The wait the last answer earned: after a cut of a connection that delivered events, or after a failure. Never
    /// shortened to fit the offline budget: no request goes out before its owed wait, and the budget is checked after.
    /// </summary>
    private TimeSpan NextDelay(ResilientSseException? cause, bool delivered)
    {
        _delivered = false;
        return delivered ? _waits.AfterDeliveringCut() : _waits.AfterFailure((cause as SseTransientException)?.RetryAfter);
    }

    private void ReportConnected(SseConnection connection)
    {
        _connections++;
        _reached = true;
        _failuresInARow = 0;
        _lastContact = _timeProvider.GetTimestamp();
        _waits.OnConnected();
        SseMetrics.Connections.Add(1);
        SseLog.Connected(_logger, connection.RequestUri, _connections, _lastEventId);
        _activity?.AddEvent(new ActivityEvent("connected"));
        if (Observed)
        {
            Notify(new SseNotice(SseNoticeKind.Connected, _lastEventId.Length == 0
                ? $"Connected to {connection.RequestUri} (connection {_connections})."
                : $"Connected to {connection.RequestUri} (connection {_connections}), resuming after event '{_lastEventId}'.")
            {
                Connection = _connections,
                RequestUri = connection.RequestUri,
                LastEventId = _lastEventId,
            });
        }
    }

    private void ReportDisconnected(SseConnection connection, SseTransientException? cause)
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
        if (Observed)
        {
            Notify(new SseNotice(SseNoticeKind.Disconnected, cause is null
                ? $"Connection {_connections} ended: the server or a proxy closed the response."
                : $"Connection {_connections} failed: {cause.Message}")
            {
                Connection = _connections,
                Cause = cause,
                LastEventId = _lastEventId,
            });
        }
    }

    private void ReportReconnecting(TimeSpan delay, ResilientSseException? cause)
    {
        _failuresInARow++;
        SseMetrics.Reconnects.Add(1);
        SseLog.Reconnecting(_logger, delay, _failuresInARow, cause);
        _activity?.AddEvent(new ActivityEvent("reconnecting"));
        if (Observed)
        {
            Notify(new SseNotice(SseNoticeKind.Reconnecting,
                $"Reconnecting in {delay.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms (attempt {_failuresInARow}){(cause is null ? "." : $": {cause.Message}")}")
            {
                Connection = _connections,
                Attempt = _failuresInARow,
                Delay = delay,
                Cause = cause,
                LastEventId = _lastEventId,
            });
        }
    }

    /// <summary>Gets whether a notice would reach anyone: there is a callback, and it has not failed.</summary>
    private bool Observed => _options.OnNotice is not null && !_observerFailed;

    /// <summary>
    /// Hands a notice to the callback. An exception it throws ends the subscription (it propagates from the read, and the
    /// callback hears nothing more); while the enumerator is being disposed it is logged instead, as disposal never throws.
    /// </summary>
    private void Notify(SseNotice notice)
    {
        try
        {
            _options.OnNotice!(notice);
        }
        catch (Exception ex) when (_disposing)
        {
            _observerFailed = true;
            SseLog.ObserverFailed(_logger, notice.Kind, ex);
        }
        catch
        {
            (_observerFailed, _finished) = (true, true);
            throw;
        }
    }
}
