using System.Net.ServerSentEvents;
using Microsoft.Extensions.Logging;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Streaming;

/// <summary>
/// One subscription to an event stream, as <see cref="SseClient.SubscribeAsync(Uri, string?, CancellationToken)"/>
/// returns it: the events as <see cref="SseItem{T}"/>, across as many connections as the network needs, and beside
/// them what the items do not say — the last event ID in effect and the connection that delivered the item.
/// </summary>
/// <typeparam name="T">The type of each item's payload.</typeparam>
/// <remarks>
/// <para>Each <see cref="SseItem{T}"/> is what <see cref="SseParser"/> would make of the event: its
/// <see cref="SseItem{T}.EventId"/> is the event's own <c>id</c> field, <see langword="null"/> when its block had
/// none (the empty string when the field was empty), and its <see cref="SseItem{T}.ReconnectionInterval"/> is a
/// <c>retry:</c> the server sent since the previous event. The ID a reconnect resumes from is
/// <see cref="LastEventId"/>. Items can be handed to <see cref="SseFormatter"/> (or ASP.NET Core's
/// <c>TypedResults.ServerSentEvents</c>) as they are, to relay the stream.</para>
/// <para>A subscription is enumerated once, like <see cref="SseParser{T}.EnumerateAsync"/>: call
/// <c>SubscribeAsync</c> again for another. Connecting starts with the enumeration, not before.</para>
/// </remarks>
public sealed class SseSubscription<T> : IAsyncEnumerable<SseItem<T>>
{
    private readonly SseConnector _connector;
    private readonly SseClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Uri? _baseAddress;
    private readonly Func<SseRequestContext, HttpRequestMessage> _requestFactory;
    private readonly SseItemParser<T> _itemParser;
    private readonly string _initialLastEventId;
    private readonly CancellationToken _subscribeToken;
    private ISubscriptionPosition? _enumerator; // the enumerator, which its consumer disposes

    internal SseSubscription(SseConnector connector, SseClientOptions options, TimeProvider timeProvider, ILogger logger, Uri? baseAddress,
        Func<SseRequestContext, HttpRequestMessage> requestFactory, SseItemParser<T> itemParser, string lastEventId, CancellationToken subscribeToken)
    {
        (_connector, _options, _timeProvider, _logger, _baseAddress) = (connector, options, timeProvider, logger, baseAddress);
        (_requestFactory, _itemParser, _initialLastEventId, _subscribeToken) = (requestFactory, itemParser, lastEventId, subscribeToken);
    }

    /// <summary>
    /// Gets the last event ID in effect after the item most recently yielded — the value a reconnection sends as
    /// <c>Last-Event-ID</c>, and the one to store to resume later — or an empty string when none is set.
    /// Before the first item, the ID given to <c>SubscribeAsync</c>.
    /// </summary>
    public string LastEventId => _enumerator?.LastEventId ?? _initialLastEventId;

    /// <summary>Gets the number of the connection, within the subscription, that delivered the item most recently yielded (from 1); 0 before the first connection.</summary>
    public int Connection => _enumerator?.Connection ?? 0;

    /// <summary>Starts the subscription.</summary>
    /// <param name="cancellationToken">Ends the subscription, as the token given to <c>SubscribeAsync</c> does.</param>
    /// <returns>The enumerator; disposing it closes the connection at once.</returns>
    /// <exception cref="InvalidOperationException">The subscription was enumerated already.</exception>
    public IAsyncEnumerator<SseItem<T>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (_enumerator is not null)
        {
            throw new InvalidOperationException("A subscription is enumerated once: call SseClient.SubscribeAsync again for a new one.");
        }

        // Both the token given to SubscribeAsync and the one given to WithCancellation stop the subscription.
        CancellationTokenSource? linked = null;
        var token = _subscribeToken;
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

        var enumerator = new SseSubscriptionEnumerator<T>(_connector, _options, _timeProvider, _logger, _baseAddress, _requestFactory, _itemParser, _initialLastEventId, linked, token);
        _enumerator = enumerator;
        return enumerator;
    }
}
