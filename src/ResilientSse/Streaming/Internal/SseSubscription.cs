using Microsoft.Extensions.Logging;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// What <see cref="SseClient.SubscribeAsync(Func{SseRequestContext, HttpRequestMessage}, string?, CancellationToken)"/>
/// returns: each enumeration is a new, independent subscription (<see cref="SseSubscriptionEnumerator"/>).
/// </summary>
internal sealed class SseSubscription(SseConnector connector, SseClientOptions options, TimeProvider timeProvider, ILogger logger, Uri? baseAddress,
    Func<SseRequestContext, HttpRequestMessage> requestFactory, string lastEventId, CancellationToken subscribeToken) : IAsyncEnumerable<SseEvent>
{
    public IAsyncEnumerator<SseEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        // Both the token given to SubscribeAsync and the one given to WithCancellation stop the subscription.
        CancellationTokenSource? linked = null;
        var token = subscribeToken;
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

        return new SseSubscriptionEnumerator(connector, options, timeProvider, logger, baseAddress, requestFactory, lastEventId, linked, token);
    }
}
