using System.Net.Http;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// One connection's cancellation: the consumer's token, and an idle timeout on the connection's
/// <see cref="TimeProvider"/> that every wait on the network restarts — the wait for the response headers, for
/// the first byte, and for each byte after. It also turns what a cancelled or failed wait threw into what the
/// reconnect loop understands.
/// </summary>
internal sealed class IdleTimer : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationTokenRegistration _registration;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _consumerToken;

    public IdleTimer(TimeSpan timeout, TimeProvider timeProvider, CancellationToken consumerToken)
    {
        _timeout = timeout;
        _consumerToken = consumerToken;
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _registration = consumerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _source);
    }

    /// <summary>Gets the token that cancels when the consumer cancels or the idle timeout passes.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Starts the idle timeout again from now.</summary>
    public void Restart()
    {
        if (_timeout != Timeout.InfiniteTimeSpan && !_source.IsCancellationRequested)
        {
            _source.CancelAfter(_timeout);
        }
    }

    /// <summary>
    /// Translates a failure of a network wait: the consumer's cancellation stays an <see cref="OperationCanceledException"/>
    /// for the consumer's token; an idle timeout, another timeout, or a network failure becomes a
    /// <see cref="SseTransientException"/>. Returns <see langword="null"/> for anything else, which propagates as it is.
    /// </summary>
    public Exception? Translate(Exception exception, string during)
    {
        if (_consumerToken.IsCancellationRequested)
        {
            return exception is OperationCanceledException or HttpRequestException or IOException ? new OperationCanceledException(exception.Message, exception, _consumerToken) : null;
        }

        return exception switch
        {
            OperationCanceledException when _source.IsCancellationRequested => new SseTransientException(
                $"No bytes arrived for the idle timeout ({_timeout}) {during}; the connection was abandoned.", exception),
            OperationCanceledException => new SseTransientException($"The request timed out {during}.", exception),
            HttpRequestException or IOException => new SseTransientException($"The connection failed {during}: {Describe(exception)}", exception),
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
        _registration.Dispose();
        _source.Dispose();
    }
}
