using System.Diagnostics;
using System.Net.ServerSentEvents;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// One logical subscription: connect through a Polly retry pipeline (transient failures retried on the backoff
/// until the offline budget runs out), read the connection's events, and when the connection ends wait on the
/// backoff and connect again, resuming with the last event ID. Ends normally on 204.
/// </summary>
/// <remarks>
/// Written by hand rather than as an <c>async</c> iterator so that an event the parser already has costs one
/// synchronous call: the layer sits on every event's path and must cost almost nothing over parsing itself.
/// Everything else — awaiting the network, reconnecting — takes the slow path.
/// </remarks>
internal sealed partial class SseSubscriptionEnumerator<T> : IAsyncEnumerator<SseItem<T>>, ISubscriptionPosition
{
    private readonly SseConnector _connector;
    private readonly SseClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<SseRequestContext, HttpRequestMessage> _requestFactory;
    private readonly SseItemParser<T> _itemParser;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource? _linkedSource;
    private readonly WaitPolicy _waits;
    private readonly ResiliencePipeline<SseConnection?> _connectPipeline;
    private readonly WaitLedger _ledger;
    private readonly Activity? _activity;
    private readonly Uri? _baseAddress;
    private SseConnection? _connection;
    private EventStreamParser? _items;
    private string _lastEventId;
    private SseTransientException? _cause;
    private bool _finished;

    public SseSubscriptionEnumerator(SseConnector connector, SseClientOptions options, TimeProvider timeProvider, ILogger logger, Uri? baseAddress,
        Func<SseRequestContext, HttpRequestMessage> requestFactory, SseItemParser<T> itemParser, string lastEventId, CancellationTokenSource? linkedSource, CancellationToken cancellationToken)
    {
        _itemParser = itemParser;
        _baseAddress = baseAddress;
        _connector = connector;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _requestFactory = requestFactory;
        _lastEventId = lastEventId;
        _cancellationToken = cancellationToken;
        _linkedSource = linkedSource;
        _waits = new WaitPolicy(options, timeProvider);
        _ledger = new WaitLedger(timeProvider);
        _lastContact = timeProvider.GetTimestamp();

        // Retry decides whether a failed attempt is tried again and books the wait it earned in the ledger; the
        // owed-wait strategy, which every attempt passes through, waits it out — the wait after a cut too.
        var builder = new ResiliencePipelineBuilder<SseConnection?> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<SseConnection?>
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args =>
                {
                    _reached |= args.Outcome.Exception is SseTransientException { StatusCode: not null };
                    return ValueTask.FromResult(args.Outcome.Exception is SseTransientException && !BudgetExhausted());
                },
                DelayGenerator = args =>
                {
                    var cause = args.Outcome.Exception as SseTransientException;
                    var delay = NextDelay(cause, delivered: false);
                    _ledger.Owe(delay);
                    ReportReconnecting(delay, cause);
                    return ValueTask.FromResult<TimeSpan?>(TimeSpan.Zero);
                },
            });
        _connectPipeline = OwedWaitStrategy.AddTo(builder).Build();
        _activity = LibraryActivity.Start("ResilientSse.Subscribe");
    }

    public SseItem<T> Current { get; private set; }

    /// <summary>Gets the last event ID in effect after the current item: what a reconnect would send as <c>Last-Event-ID</c>.</summary>
    public string LastEventId => _connection?.LastEventId ?? _lastEventId;

    /// <summary>Gets the number of the connection that delivered the current item (from 1); 0 before the first.</summary>
    public int Connection => _connections;

    public ValueTask<bool> MoveNextAsync()
    {
        if (_items is not null)
        {
            ValueTask<bool> next;
            try
            {
                next = _items.MoveNextAsync();
            }
            catch (Exception ex)
            {
                next = ValueTask.FromException<bool>(ex);
            }

            if (next.IsCompletedSuccessfully)
            {
                if (next.Result)
                {
                    _delivered = true;
                    Current = _connection!.Dispatch(_itemParser);
                    return new ValueTask<bool>(true);
                }

                next = new ValueTask<bool>(false);
            }

            return MoveNextSlowAsync(next);
        }

        return MoveNextSlowAsync(null);
    }

    public async ValueTask DisposeAsync()
    {
        (_finished, _disposing) = (true, true);
        await CloseConnectionAsync(cause: null).ConfigureAwait(false);
        LibraryActivity.Stop(_activity);
        _lane?.Dispose();
        _linkedSource?.Dispose();
    }

    /// <summary>Awaits the pending read, if any; when the connection has ended, reconnects until an event or the end.</summary>
    private async ValueTask<bool> MoveNextSlowAsync(ValueTask<bool>? pending)
    {
        if (pending is { } read)
        {
            if (await ReadAsync(read).ConfigureAwait(false))
            {
                return true;
            }
        }

        while (!_finished)
        {
            if (_connections > 0 || _attempts > 0)
            {
                var delay = NextDelay(_cause, _delivered);
                ReportReconnecting(delay, _cause);
                _ledger.Owe(delay);
            }

            _connection = await ConnectAsync().ConfigureAwait(false);
            if (_connection is null)
            {
                _activity?.AddEvent(new ActivityEvent("no-content"));
                _finished = true;
                break;
            }

            ReportConnected(_connection);
            _cause = null;
            _items = _connection.StartReading(_lastEventId, _cancellationToken);
            if (await ReadAsync(MoveNextSafely(_items)).ConfigureAwait(false))
            {
                return true;
            }
        }

        Current = default;
        return false;
    }

    /// <summary>Completes one read of the current connection; on its end closes the connection and returns false.</summary>
    private async ValueTask<bool> ReadAsync(ValueTask<bool> read)
    {
        try
        {
            if (await read.ConfigureAwait(false))
            {
                _delivered = true;
                Current = _connection!.Dispatch(_itemParser);
                return true;
            }
        }
        catch (SseTransientException ex)
        {
            await CloseConnectionAsync(ex).ConfigureAwait(false);
            return false;
        }
        catch
        {
            _finished = true;
            await CloseConnectionAsync(cause: null).ConfigureAwait(false);
            throw;
        }

        await CloseConnectionAsync(cause: null).ConfigureAwait(false);
        return false;
    }

    private static ValueTask<bool> MoveNextSafely(EventStreamParser parser)
    {
        try
        {
            return parser.MoveNextAsync();
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<bool>(ex);
        }
    }

    private async ValueTask CloseConnectionAsync(SseTransientException? cause)
    {
        var connection = _connection;
        (_connection, _items) = (null, null);
        if (connection is null)
        {
            return;
        }

        try
        {
            connection.Finish();
            ReportDisconnected(connection, cause);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<SseConnection?> ConnectAsync()
    {
        try
        {
            var context = ResilienceContextPool.Shared.Get(_cancellationToken);
            context.Properties.Set(OwedWaitStrategy.LedgerKey, _ledger);
            try
            {
                return await _connectPipeline.ExecuteAsync(static (context, self) => self.ConnectOnceAsync(context.CancellationToken), context, this).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
        catch (SseTransientException ex)
        {
            // Only an exhausted offline budget stops the pipeline from retrying transient trouble.
            _finished = true;
            var offlineFor = _timeProvider.GetElapsedTime(_lastContact);
            SseLog.GaveUp(_logger, offlineFor, Budget, ex);
            throw new OfflineBudgetExceededException(offlineFor, Budget, _reached
                ? $"No connection for {offlineFor:g}, beyond the offline budget ({_options.OfflineBudget:g}); the last failure: {ex.Message}"
                : $"The server never answered in {offlineFor:g} (first-contact budget {_options.FirstContactBudget:g}); the last failure: {ex.Message}", ex);
        }
        catch (ResilientSseException ex)
        {
            _finished = true;
            SseLog.PermanentError(_logger, ex);
            throw;
        }
    }

    private async ValueTask<SseConnection?> ConnectOnceAsync(CancellationToken cancellationToken)
    {
        _attempts++;
        if (_attempts > 1 && _lane is not null)
        {
            // A reconnection goes when its booked time has come and the lane is not piled up (timers that fired late).
            await _lane.WaitForAdmissionAsync(cancellationToken).ConfigureAwait(false);
        }

        using var request = _requestFactory(new SseRequestContext(_attempts, _lastEventId))
            ?? throw new InvalidOperationException("The request factory returned null; it must return a new HttpRequestMessage for every attempt.");
        if (_lane is null && request.RequestUri is { } uri)
        {
            _lane = ReconnectGovernor.For(_timeProvider).Join(uri.IsAbsoluteUri || _baseAddress is null ? uri : new Uri(_baseAddress, uri));
            _waits.Lane = _lane;
        }

        if (_lastEventId.Length != 0 && !request.Headers.Contains(LastEventIdEncoding.HeaderName))
        {
            request.Headers.TryAddWithoutValidation(LastEventIdEncoding.HeaderName, _lastEventId);
        }

        return await _connector.ConnectAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
