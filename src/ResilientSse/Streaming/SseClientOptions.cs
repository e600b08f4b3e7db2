namespace ResilientSse.Streaming;

/// <summary>
/// How a subscription connects, reconnects and bounds what it reads. Validated once, when a
/// <see cref="SseClient"/> (or a watcher) is created, or at host start with dependency injection, each error with its value.
/// </summary>
public sealed class SseClientOptions
{
    /// <summary>
    /// Gets or sets how long a connection may stay silent — no bytes at all, not even a comment — before it is
    /// aborted and a reconnect begins. It also bounds the wait for the response headers and for the first byte.
    /// Heartbeat comments from the server keep a connection alive. <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    /// <value>Default: 60 seconds.</value>
    public TimeSpan IdleTimeout { get; set; } = Internal.SseClientDefaults.IdleTimeout;

    /// <summary>
    /// Gets or sets the base delay before reconnecting while the server has not sent a <c>retry:</c> field.
    /// A <c>retry:</c> value from the server replaces it. Consecutive failures double it, up to <see cref="MaxReconnectDelay"/>.
    /// </summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan InitialReconnectDelay { get; set; } = Internal.SseClientDefaults.InitialReconnectDelay;

    /// <summary>
    /// Gets or sets the cap on the doubling of the delay between reconnection attempts; the jitter may add up to
    /// <see cref="JitterRatio"/> on top, and a server's <c>retry:</c> or <c>Retry-After</c> may ask for longer.
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan MaxReconnectDelay { get; set; } = Internal.SseClientDefaults.MaxReconnectDelay;

    /// <summary>
    /// Gets or sets the share of each delay that is randomised, from 0 (none) to 1: a delay <c>d</c> becomes a
    /// uniform value in <c>[d, d × (1 + JitterRatio)]</c>, so that many clients cut off at once do not return at once,
    /// and none returns sooner than the server's <c>retry:</c> asked.
    /// </summary>
    /// <value>Default: 0.5.</value>
    public double JitterRatio { get; set; } = Internal.SseClientDefaults.JitterRatio;

    /// <summary>
    /// Gets or sets how long a connection must stay up for the backoff to start again from the base delay
    /// when it ends. Shorter connections count as failures, so a server that accepts and drops at once is backed off.
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan HealthyConnectionThreshold { get; set; } = Internal.SseClientDefaults.HealthyConnectionThreshold;

    /// <summary>
    /// Gets or sets how long the subscription keeps trying without any successful connection before it gives up
    /// with <see cref="OfflineBudgetExceededException"/>. <see cref="Timeout.InfiniteTimeSpan"/> never gives up.
    /// </summary>
    /// <value>Default: 10 minutes.</value>
    public TimeSpan OfflineBudget { get; set; } = Internal.SseClientDefaults.OfflineBudget;

    /// <summary>
    /// Gets or sets how long a subscription that has never connected keeps trying before it gives up with
    /// <see cref="OfflineBudgetExceededException"/>: a wrong address or a server that is not running fails in seconds,
    /// while a subscription that was connected keeps the long <see cref="OfflineBudget"/>. The shorter of the two
    /// applies; <see cref="Timeout.InfiniteTimeSpan"/> leaves only <see cref="OfflineBudget"/>.
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan FirstContactBudget { get; set; } = Internal.SseClientDefaults.FirstContactBudget;

    /// <summary>
    /// Gets or sets the largest event block, in bytes of its lines as received (so also the longest line), that is
    /// accepted. A larger one ends the subscription with <see cref="SseLimitExceededException"/> before it is buffered.
    /// Comment lines are not kept, so they count only while they are read: any number of them may stand in a block.
    /// </summary>
    /// <value>Default: 1 MiB (1,048,576 bytes). At least 64.</value>
    public int MaxEventSize { get; set; } = Internal.SseClientDefaults.MaxEventSize;

    /// <summary>
    /// Gets or sets the HTTP version of the requests the library makes: <see cref="SseClient"/>'s subscriptions to an
    /// address, and a watcher's stream and snapshot requests. Over HTTP/2 many subscriptions to one server share a
    /// connection (one stream each); a request factory's requests keep the version the factory gave them.
    /// </summary>
    /// <remarks>
    /// HTTP/2 without TLS (h2c) needs prior knowledge: set <see cref="System.Net.HttpVersion.Version20"/> with
    /// <see cref="HttpVersionPolicy.RequestVersionExact"/>. With TLS, <see cref="HttpVersionPolicy.RequestVersionOrLower"/>
    /// lets ALPN settle on HTTP/1.1 where the server has no HTTP/2.
    /// </remarks>
    /// <value>Default: 1.1 (<see cref="System.Net.HttpVersion.Version11"/>). One of 1.0, 1.1, 2.0 or 3.0.</value>
    public Version HttpVersion { get; set; } = Internal.SseClientDefaults.HttpVersion;

    /// <summary>Gets or sets how <see cref="HttpVersion"/> is negotiated: exactly, or a version lower or higher as the connection allows.</summary>
    /// <value>Default: <see cref="HttpVersionPolicy.RequestVersionOrLower"/>.</value>
    public HttpVersionPolicy HttpVersionPolicy { get; set; } = Internal.SseClientDefaults.HttpVersionPolicy;

    /// <summary>
    /// Gets or sets the callback that observes the subscription: each connection made, each connection ended, and
    /// each reconnection about to wait, with its cause. It runs on the subscription's own flow, between reads, so it
    /// should return quickly. An exception it throws ends the subscription: the connection is closed and the exception
    /// comes out of the <c>await foreach</c> unchanged.
    /// </summary>
    /// <remarks>The execution watcher has its own, <see cref="Executions.ExecutionWatcherOptions.OnNotice"/>; this one is for <see cref="SseClient"/> only.</remarks>
    /// <value>Default: <see langword="null"/>.</value>
    public Action<SseNotice>? OnNotice { get; set; }
}
