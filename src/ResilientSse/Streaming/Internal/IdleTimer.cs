using System.Net.Http;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// One connection's cancellation: the consumer's token, and an idle timeout on the connection's
/// <see cref="TimeProvider"/> that measures how long the library has been waiting for the network — for the
/// response headers, for the first byte, and for each byte after. Time the consumer spends on an event, while no
/// wait is pending, never counts. It also turns what a cancelled or failed wait threw into what the reconnect loop
/// understands.
/// </summary>
internal sealed class IdleTimer : IDisposable
{
    /// <summary>The value of <see cref="_waitStart"/> while no wait is pending.</summary>
    private const long NotWaiting = long.MinValue;

    private readonly CancellationTokenSource _source = new();
    private readonly CancellationTokenRegistration _registration;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationToken _consumerToken;
    private readonly ITimer? _timer;
    private long _waitStart = NotWaiting;
    private int _armed;
    private volatile bool _aborted;

    public IdleTimer(TimeSpan timeout, TimeProvider timeProvider, CancellationToken consumerToken)
    {
        _timeout = timeout;
        _timeProvider = timeProvider;
        _consumerToken = consumerToken;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = timeProvider.CreateTimer(static state => ((IdleTimer)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _registration = consumerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _source);
    }

    /// <summary>Gets the token that cancels when the consumer cancels, the idle timeout passes, or <see cref="Abort"/> is called.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Gets whether a wait on the network is pending (between <see cref="BeginWait"/> and <see cref="EndWait"/>).</summary>
    public bool IsWaiting => Volatile.Read(ref _waitStart) != NotWaiting;

    /// <summary>
    /// Notes that a wait on the network starts now: the idle timeout runs from here until <see cref="EndWait"/>.
    /// Called on every read, so it only notes the time: the timer, armed once, checks the pending wait when it fires
    /// and re-arms itself for the rest of the timeout.
    /// </summary>
    public void BeginWait()
    {
        Volatile.Write(ref _waitStart, _timeProvider.GetTimestamp());
        if (_timer is not null && _armed == 0 && Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Notes that the pending wait ended (bytes arrived, the stream ended, or the wait failed).</summary>
    public void EndWait() => Volatile.Write(ref _waitStart, NotWaiting);

    /// <summary>Gets the time provider the timeout runs on.</summary>
    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>
    /// Cancels <see cref="Token"/> for good because the connection is being closed: a pending wait ends at once, and
    /// its failure reads as <see cref="ObjectDisposedException"/> rather than as an idle timeout.
    /// </summary>
    public void Abort()
    {
        _aborted = true;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already: nothing waits any more.
        }
    }

    private void OnTimer()
    {
        var waitStart = Volatile.Read(ref _waitStart);
        try
        {
            if (waitStart == NotWaiting)
            {
                // The consumer has the connection (or it is between reads): its time is not the server's silence.
                _timer!.Change(_timeout, Timeout.InfiniteTimeSpan);
                return;
            }

            var idle = _timeProvider.GetElapsedTime(waitStart);
            if (idle >= _timeout)
            {
                _source.Cancel();
            }
            else
            {
                _timer!.Change(_timeout - idle, Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    /// <summary>
    /// Translates a failure of a network wait: the consumer's cancellation stays an <see cref="OperationCanceledException"/>
    /// for the consumer's token; a wait cut short by <see cref="Abort"/> becomes an <see cref="ObjectDisposedException"/>;
    /// an idle timeout, another timeout, or a network failure becomes a <see cref="SseTransientException"/>.
    /// Returns <see langword="null"/> for anything else, which propagates as it is.
    /// </summary>
    public Exception? Translate(Exception exception, string during, Uri? requestUri = null)
    {
        if (_consumerToken.IsCancellationRequested)
        {
            return exception is OperationCanceledException or HttpRequestException or IOException ? new OperationCanceledException(exception.Message, exception, _consumerToken) : null;
        }

        if (_aborted && exception is OperationCanceledException or HttpRequestException or IOException or ObjectDisposedException)
        {
            return new ObjectDisposedException($"The connection was closed {during}.", exception);
        }

        return exception switch
        {
            OperationCanceledException when _source.IsCancellationRequested => new SseTransientException(SseTransientReason.IdleTimeout,
                $"No bytes arrived for the idle timeout ({_timeout}) {during}; the connection was abandoned.", exception) { RequestUri = requestUri },
            OperationCanceledException => new SseTransientException(SseTransientReason.Timeout, $"The request timed out {during}.", exception) { RequestUri = requestUri },
            HttpRequestException or IOException => new SseTransientException(SseTransientReason.NetworkError,
                $"The connection failed {during}: {Describe(exception)}", exception) { RequestUri = requestUri },
            _ => null,
        };
    }

    private static string Describe(Exception exception)
    {
        // HttpRequestException's own message ("An error occurred while sending the request.") hides the cause.
        var innermost = exception.GetBaseException();
        return ReferenceEquals(innermost, exception) ? exception.Message : $"{exception.Message} ({innermost.Message})";
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _registration.Dispose();
        _source.Dispose();
    }
}
