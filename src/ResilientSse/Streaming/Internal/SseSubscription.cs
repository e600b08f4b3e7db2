using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// One logical subscription: connect through a Polly retry pipeline (transient failures retried on the backoff,
/// until the offline budget runs out), read the connection's events, and after the connection ends wait on the
/// backoff and connect again, resuming with the last event ID. Ends normally on 204.
/// </summary>
internal sealed class SseSubscription
{
    private const string LastEventIdHeader = "Last-Event-ID";

    private readonly SseConnector _connector;
    private readonly SseClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<SseRequestContext, HttpRequestMessage> _requestFactory;
    private readonly ReconnectBackoff _backoff;
    private readonly ResiliencePipeline<SseConnection?> _connectPipeline;
    private string _lastEventId;
    private int _attempts;
    private int _failuresInARow;
    private int _connections;
    private long _lastContact;
    private Activity? _activity;

    public SseSubscription(SseConnector connector, SseClientOptions options, TimeProvider timeProvider, ILogger logger,
        Func<SseRequestContext, HttpRequestMessage> requestFactory, string lastEventId)
    {
        _connector = connector;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _requestFactory = requestFactory;
        _lastEventId = lastEventId;
        _backoff = new ReconnectBackoff(options, timeProvider);
        _connectPipeline = new ResiliencePipelineBuilder<SseConnection?> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<SseConnection?>
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is SseTransientException && !BudgetExhausted()),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(NextDelay(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    ReportReconnecting(args.RetryDelay, args.Outcome.Exception);
                    return default;
                },
            })
            .Build();
    }

    public async IAsyncEnumerable<SseEvent> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = _activity = SseMetrics.ActivitySource.StartActivity("ResilientSse.Subscribe", ActivityKind.Client);
        _lastContact = _timeProvider.GetTimestamp();
        Exception? cause = null;
        for (var first = true; ; first = false)
        {
            if (!first)
            {
                var delay = NextDelay(cause);
                ReportReconnecting(delay, cause);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                activity?.AddEvent(new ActivityEvent("no-content"));
                yield break;
            }

            await using (connection.ConfigureAwait(false))
            {
                ReportConnected(connection);
                cause = null;
                var events = connection.ReadEventsAsync(_lastEventId, _connections, cancellationToken).GetAsyncEnumerator(cancellationToken);
                try
                {
                    while (true)
                    {
                        try
                        {
                            if (!await events.MoveNextAsync().ConfigureAwait(false))
                            {
                                break;
                            }
                        }
                        catch (SseTransientException ex)
                        {
                            cause = ex;
                            break;
                        }

                        yield return events.Current;
                    }
                }
                finally
                {
                    await events.DisposeAsync().ConfigureAwait(false);
                    ReportDisconnected(connection, cause);
                }
            }
        }
    }

    private async ValueTask<SseConnection?> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _connectPipeline.ExecuteAsync(static (self, token) => self.ConnectOnceAsync(token), this, cancellationToken).ConfigureAwait(false);
        }
        catch (SseTransientException ex)
        {
            // Only an exhausted offline budget stops the pipeline from retrying transient trouble.
            var offlineFor = _timeProvider.GetElapsedTime(_lastContact);
            SseLog.GaveUp(_logger, offlineFor, _options.OfflineBudget, ex);
            throw new OfflineBudgetExceededException(offlineFor, _options.OfflineBudget,
                $"No connection for {offlineFor:g}, beyond the offline budget ({_options.OfflineBudget:g}); the last failure: {ex.Message}", ex);
        }
        catch (ResilientSseException ex)
        {
            SseLog.PermanentError(_logger, ex);
            throw;
        }
    }

    private async ValueTask<SseConnection?> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        _attempts++;
        using var request = _requestFactory(new SseRequestContext(_attempts, _lastEventId))
            ?? throw new InvalidOperationException("The request factory returned null; it must return a new HttpRequestMessage for every attempt.");
        if (_lastEventId.Length != 0 && !request.Headers.Contains(LastEventIdHeader))
        {
            request.Headers.TryAddWithoutValidation(LastEventIdHeader, _lastEventId);
        }

        return await _connector.ConnectAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private bool BudgetExhausted() =>
        _options.OfflineBudget != Timeout.InfiniteTimeSpan && _timeProvider.GetElapsedTime(_lastContact) >= _options.OfflineBudget;

    private TimeSpan NextDelay(Exception? cause)
    {
        var delay = _backoff.NextDelay((cause as SseTransientException)?.RetryAfter);
        if (_options.OfflineBudget == Timeout.InfiniteTimeSpan)
        {
            return delay;
        }

        // Never sleep past the budget: the last attempt is made when it runs out.
        var remaining = _options.OfflineBudget - _timeProvider.GetElapsedTime(_lastContact);
        return delay < remaining ? delay : remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    private void ReportConnected(SseConnection connection)
    {
        _connections++;
        _failuresInARow = 0;
        _lastContact = _timeProvider.GetTimestamp();
        _backoff.OnConnected();
        SseMetrics.Connections.Add(1);
        SseLog.Connected(_logger, connection.RequestUri, _connections, _lastEventId);
        _activity?.AddEvent(new ActivityEvent("connected"));
        _options.OnConnected?.Invoke(new SseConnectedArguments(_connections, connection.RequestUri, _lastEventId));
    }

    private void ReportDisconnected(SseConnection connection, Exception? cause)
    {
        _lastEventId = connection.LastEventId ?? _lastEventId;
        if (connection.ReconnectionInterval is { } retry)
        {
            _backoff.SetServerRetry(retry);
        }

        _backoff.OnDisconnected();
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
