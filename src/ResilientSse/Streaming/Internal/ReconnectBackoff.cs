namespace ResilientSse.Streaming.Internal;

/// <summary>
/// The delay before each reconnection attempt: the server's <c>retry:</c> value (or the initial delay) doubled for
/// each consecutive failure, capped, jittered upwards (so never shorter than the server asked), and never shorter
/// than a <c>Retry-After</c> the server sent. A connection that stayed up for the healthy threshold resets the doubling.
/// </summary>
internal sealed class ReconnectBackoff
{
    /// <summary>The longest delay handed out: timers take at most about 49 days, and a server asking for longer means "much later".</summary>
    public static readonly TimeSpan LongestDelay = TimeSpan.FromDays(24);

    private readonly SseClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;
    private TimeSpan? _serverRetry;
    private long _connectedAt = -1;

    public ReconnectBackoff(SseClientOptions options, TimeProvider timeProvider, Func<double>? random = null)
    {
        _options = options;
        _timeProvider = timeProvider;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Gets the number of delays handed out since the backoff was last reset.</summary>
    public int Failures { get; private set; }

    /// <summary>Takes the server's <c>retry:</c> value as the base delay from now on.</summary>
    public void SetServerRetry(TimeSpan retry) => _serverRetry = retry;

    /// <summary>Notes that a connection was established.</summary>
    public void OnConnected() => _connectedAt = _timeProvider.GetTimestamp();

    /// <summary>Notes that the established connection ended; resets the doubling if it had stayed up long enough.</summary>
    public void OnDisconnected()
    {
        if (_connectedAt >= 0 && _timeProvider.GetElapsedTime(_connectedAt) >= _options.HealthyConnectionThreshold)
        {
            Failures = 0;
        }

        _connectedAt = -1;
    }

    /// <summary>Starts the doubling again from the base delay: the caller saw the connection make progress.</summary>
    public void Reset() => Failures = 0;

    /// <summary>Returns the delay before the next attempt and counts it as a failure.</summary>
    /// <param name="retryAfter">The delay the server asked for with <c>Retry-After</c>, if any.</param>
    public TimeSpan NextDelay(TimeSpan? retryAfter = null)
    {
        var baseDelay = _serverRetry ?? _options.InitialReconnectDelay;

        // A server's retry: longer than the cap is still honoured: the server knows its own recovery time.
        var cap = baseDelay > _options.MaxReconnectDelay ? baseDelay : _options.MaxReconnectDelay;
        var exponent = Math.Min(Failures, 30);
        var delay = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * Math.Pow(2, exponent), cap.Ticks));
        Failures++;

        var jittered = TimeSpan.FromTicks((long)Math.Min(delay.Ticks * (1 + (_options.JitterRatio * _random())), LongestDelay.Ticks));
        var chosen = retryAfter is { } asked && asked > jittered ? asked : jittered;
        return chosen > LongestDelay ? LongestDelay : chosen;
    }
}
