using System.Net.ServerSentEvents;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Streaming;

/// <summary>
/// A resilient Server-Sent Events client for any endpoint: one subscription is an
/// <see cref="IAsyncEnumerable{T}"/> of events that spans as many HTTP connections as the network needs. It
/// reconnects after network errors, the end of a response, an idle timeout and 408/429/5xx answers, resends
/// <c>Last-Event-ID</c>, honours <c>retry:</c> and <c>Retry-After</c>, backs off with jitter, and bounds memory.
/// </summary>
/// <remarks>
/// <para>The subscription ends normally when the server answers 204 No Content (the server says stop). It ends with
/// <see cref="SseHttpStatusException"/> for a status that retrying cannot fix (401, 403, 404, 410, other 4xx),
/// <see cref="SseContentTypeException"/> for a 200 that is not <c>text/event-stream</c>,
/// <see cref="SseLimitExceededException"/> for an oversized event, and <see cref="OfflineBudgetExceededException"/>
/// when no connection succeeded for <see cref="SseClientOptions.OfflineBudget"/>.</para>
/// <para>The <see cref="HttpClient"/> is used with <see cref="HttpCompletionOption.ResponseHeadersRead"/>, so its
/// <see cref="HttpClient.Timeout"/> bounds only the wait for the response
/// headers, never a healthy long stream; <see cref="SseClientOptions.IdleTimeout"/> guards the stream instead.
/// A timeout that fires before the headers arrive is retried like any transient failure. The client retries by
/// itself: a resilience handler on its <see cref="HttpClient"/> would retry every attempt again (the registrations
/// refuse one at start).</para>
/// <para>Cancelling the token, or leaving an <c>await foreach</c> early, aborts the response at once.</para>
/// <para>With dependency injection (<c>services.AddSseClient(...)</c> or <c>AddSseClient(name, ...)</c>) the client is a
/// singleton that takes a fresh <see cref="HttpClient"/> from <c>IHttpClientFactory</c> for every subscription (each
/// <c>SubscribeAsync</c> call), so the factory can rotate handlers and follow DNS changes. A client created with an
/// <see cref="HttpClient"/> uses that client for its whole life.</para>
/// </remarks>
public sealed class SseClient
{
    private readonly Func<HttpClient> _httpClients;
    private readonly SseClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a client that connects through <paramref name="httpClient"/>.</summary>
    /// <param name="httpClient">The client to send requests with; relative addresses resolve against its <see cref="HttpClient.BaseAddress"/>.</param>
    /// <param name="options">The options, validated now; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock for timeouts and delays; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for no logging.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException"><paramref name="options"/> are invalid; the message lists every error.</exception>
    public SseClient(HttpClient httpClient, SseClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(ReturnAlways(httpClient), options, timeProvider, loggerFactory)
    {
    }

    // Takes an HttpClient from httpClients for every subscription (watch, snapshot read): IHttpClientFactory's, in DI.
    internal SseClient(Func<HttpClient> httpClients, SseClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new SseClientOptions();
        SseClientOptionsValidator.ThrowIfInvalid(_options);
        _httpClients = httpClients;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SseClient>();
    }

    /// <summary>Subscribes to the event stream at <paramref name="uri"/> with GET requests; each item's payload is its data as a string.</summary>
    /// <param name="uri">The stream's address: absolute, or relative to the <see cref="HttpClient.BaseAddress"/>.</param>
    /// <param name="lastEventId">The last event ID already received, sent as <c>Last-Event-ID</c> on the first request; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The subscription: the events, in order, across reconnections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is relative and the client has no base address.</exception>
    public SseSubscription<string> SubscribeAsync(Uri uri, string? lastEventId = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync(uri, Utf8String, lastEventId, cancellationToken);

    /// <summary>
    /// Subscribes to the event stream at <paramref name="uri"/> with GET requests; <paramref name="itemParser"/> makes
    /// each item's payload from the event type and the data's UTF-8 bytes — a JSON payload needs no string in between
    /// (for example <c>(type, data) =&gt; JsonSerializer.Deserialize(data, MyContext.Default.Progress)</c>).
    /// </summary>
    /// <typeparam name="T">The type of each item's payload.</typeparam>
    /// <param name="uri">The stream's address: absolute, or relative to the <see cref="HttpClient.BaseAddress"/>.</param>
    /// <param name="itemParser">Makes a payload; the bytes are valid only during the call. An exception it throws ends the subscription.</param>
    /// <param name="lastEventId">The last event ID already received, sent as <c>Last-Event-ID</c> on the first request; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The subscription: the events, in order, across reconnections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="uri"/> or <paramref name="itemParser"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is relative and the client has no base address.</exception>
    public SseSubscription<T> SubscribeAsync<T>(Uri uri, SseItemParser<T> itemParser, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var httpClient = _httpClients();
        if (!uri.IsAbsoluteUri && httpClient.BaseAddress is null)
        {
            throw new ArgumentException($"The address '{uri}' is relative and the HttpClient has no BaseAddress.", nameof(uri));
        }

        ArgumentNullException.ThrowIfNull(itemParser);
        var (version, policy) = (_options.HttpVersion, _options.HttpVersionPolicy);
        return Subscribe(httpClient, _ => new HttpRequestMessage(HttpMethod.Get, uri) { Version = version, VersionPolicy = policy }, itemParser, lastEventId, cancellationToken);
    }

    /// <summary>
    /// Subscribes with a request built anew for every connection attempt, so that headers such as a refreshed
    /// bearer token can change between attempts. The client adds <c>Last-Event-ID</c> when the factory has not.
    /// Each item's payload is its data as a string.
    /// </summary>
    /// <param name="requestFactory">Builds the request for an attempt; the client disposes it.</param>
    /// <param name="lastEventId">The last event ID already received, sent on the first request; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The subscription: the events, in order, across reconnections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requestFactory"/> is <see langword="null"/>.</exception>
    public SseSubscription<string> SubscribeAsync(Func<SseRequestContext, HttpRequestMessage> requestFactory, string? lastEventId = null, CancellationToken cancellationToken = default) =>
        SubscribeAsync(requestFactory, Utf8String, lastEventId, cancellationToken);

    /// <summary>
    /// Subscribes with a request built anew for every connection attempt (see
    /// <see cref="SubscribeAsync(Func{SseRequestContext, HttpRequestMessage}, string?, CancellationToken)"/>), with
    /// <paramref name="itemParser"/> making each payload from the data's UTF-8 bytes.
    /// </summary>
    /// <typeparam name="T">The type of each item's payload.</typeparam>
    /// <param name="requestFactory">Builds the request for an attempt; the client disposes it.</param>
    /// <param name="itemParser">Makes a payload; the bytes are valid only during the call. An exception it throws ends the subscription.</param>
    /// <param name="lastEventId">The last event ID already received, sent on the first request; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>The subscription: the events, in order, across reconnections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requestFactory"/> or <paramref name="itemParser"/> is <see langword="null"/>.</exception>
    public SseSubscription<T> SubscribeAsync<T>(Func<SseRequestContext, HttpRequestMessage> requestFactory, SseItemParser<T> itemParser, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestFactory);
        ArgumentNullException.ThrowIfNull(itemParser);
        return Subscribe(_httpClients(), requestFactory, itemParser, lastEventId, cancellationToken);
    }

    private static Func<HttpClient> ReturnAlways(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return () => httpClient;
    }

    // One client per subscription, a fresh one for the next: the factory's handler rotation reaches long-lived clients.
    private SseSubscription<T> Subscribe<T>(HttpClient httpClient, Func<SseRequestContext, HttpRequestMessage> requestFactory, SseItemParser<T> itemParser, string? lastEventId, CancellationToken cancellationToken) =>
        new(new SseConnector(httpClient, _options, _timeProvider, _logger), _options, _timeProvider, _logger, httpClient.BaseAddress, requestFactory, itemParser, lastEventId ?? string.Empty, cancellationToken);

    private static string Utf8String(string eventType, ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
}
