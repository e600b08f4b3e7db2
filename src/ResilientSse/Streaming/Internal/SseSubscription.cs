using Microsoft.Extensions.Logging;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// What <see cref="SseClient.SubscribeAsync(Func{SseRequestContext, HttpRequestMessage}, string?, CancellationToken)"/>
/// returns: each enumeration is a new, independent subscription (<see cref="SseSubscriptionEnumerator"/>).
/// </summary>
internal sealed class SseSubscription : IAsyncEnumerable<SseEvent>
{
    private readonly SseConnector _connector;
    private readonly SseClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<SseRequestContext, HttpRequestMessage> _requestFactory;
    private readonly string _lastEventId;
    private readonly CancellationToken _cancellationToken;

    public SseSubscription(SseConnector connector, SseClientOptions options, TimeProvider timeProvider, ILogger logger,
        Func<SseRequestContext, HttpRequestMessage> requestFactory, string lastEventId, CancellationToken cancellationToken)
    {
        _connector = connector;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _requestFactory = requestFactory;
        _lastEventId = lastEventId;
        _cancellationToken = cancellationToken;
    }

    public IAsyncEnumerator<SseEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        // Both the token given to SubscribeAsync and the one given to WithCancellation stop the subscription.
        CancellationTokenSource? linked = null;
        var token = _cancellationToken;
        if (cancellationToken.CanBeCanceled && cancellationToken != token)
        {
            if (token.CanBeCanceled)
            {
                linked = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
                token = linked.Token;
            }
            else
            {
                token = cancellationToken;
            }
        }

        return new SseSubscriptionEnumerator(_connector, _options, _timeProvider, _logger, _requestFactory, _lastEventId, linked, token);
    }
}
