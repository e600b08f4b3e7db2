namespace ResilientSse.Streaming.Internal;

/// <summary>
/// The one wait policy of every reconnection, in <see cref="SseClient"/> and the execution watcher alike: how long
/// the next request must wait after what the previous answer earned.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A failure (a refusal, a network error, a connection that ended without a new event) waits the base delay —
/// the server's <c>retry:</c>, or <see cref="SseClientOptions.InitialReconnectDelay"/> — doubled for each failure in a
/// row, capped, and never shorter than a <c>Retry-After</c> the server sent.</item>
/// <item>A cut of a connection that delivered a new event starts the doubling again and waits the base delay, as a
/// browser's <c>EventSource</c> does — except for one fast resume: the first such cut is resumed at once, so that the
/// ending comes in one round trip. The fast resume is earned again once a connection stays up for the base delay,
/// so a server that cuts after every event gets at most one immediate reconnection per <c>retry:</c> interval.</item>
/// <item>Jitter only adds: a delay <c>d</c> becomes a value in <c>[d, d × (1 + JitterRatio)]</c>.</item>
/// <item>Every wait then goes through the <see cref="ReconnectGovernor"/> lane of the endpoint's origin, which spreads
/// a mass reconnection of many subscriptions in one process; it only ever adds delay.</item>
/// </list>
/// </remarks>
internal sealed class WaitPolicy
{
    /// <summary>The longest delay handed out: timers take at most about 49 days, and a server asking for longer means "much later".</summary>
    public static readonly TimeSpan LongestDelay = TimeSpan.FromDays(24);

    // One delegate for every policy: each subscription would otherwise keep its own.
    private static readonly Func<double> SharedRandom = Random.Shared.NextDouble;

    private readonly SseClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;
    private TimeSpan? _serverRetry;
    private long _connectedAt = -1;
    private bool _fastResumeReady = true;

    public WaitPolicy(SseClientOptions options, TimeProvider timeProvider, Func<double>? random = null)
    {
        _options = options;
        _timeProvider = timeProvider;
        _random = random ?? SharedRandom;
    }

    /// <summary>Gets the number of failures in a row that the doubling counts.</summary>
    public int Failures { get; private set; }

    /// <summary>Gets the base delay: the server's <c>retry:</c>, or the initial delay while the server sent none.</summary>
    public TimeSpan BaseDelay => _serverRetry ?? _options.InitialReconnectDelay;

    /// <summary>Gets or sets the governor lane that spreads this endpoint's reconnections; none when <see langword="null"/>.</summary>
    public ReconnectGovernor.Membership? Lane { get; set; }

    /// <summary>Takes the server's <c>retry:</c> value as the base delay from now on.</summary>
    public void SetServerRetry(TimeSpan retry) => _serverRetry = retry;

    /// <summary>Notes that a connection was established.</summary>
    public void OnConnected() => _connectedAt = _timeProvider.GetTimestamp();

    /// <summary>
    /// Notes that the established connection ended: one that stayed up for the base delay earns the fast resume
    /// again, one that stayed up for the healthy threshold starts the doubling again.
    /// </summary>
    public void OnConnectionEnded()
    {
        if (_connectedAt >= 0)
        {
            var lived = _timeProvider.GetElapsedTime(_connectedAt);
            _fastResumeReady |= lived >= BaseDelay;
            if (lived >= _options.HealthyConnectionThreshold)
            {
                Failures = 0;
            }
        }

        _connectedAt = -1;
    }

    /// <summary>
    /// The wait after a cut of a connection that delivered a new event: zero for the one fast resume, otherwise the
    /// base delay with jitter. Either way the doubling starts again.
    /// </summary>
    public TimeSpan AfterDeliveringCut()
    {
        Failures = 0;
        if (_fastResumeReady)
        {
            _fastResumeReady = false;
            return Govern(TimeSpan.Zero);
        }

        return AfterFailure(retryAfter: null);
    }

    /// <summary>The wait after a failure, counted for the doubling.</summary>
    /// <param name="retryAfter">The delay the server asked for with <c>Retry-After</c>, if any: the floor of the wait.</param>
    public TimeSpan AfterFailure(TimeSpan? retryAfter)
    {
        var baseDelay = BaseDelay;

        // A server's retry: longer than the cap is still honoured: the server knows its own recovery time.
        var cap = baseDelay > _options.MaxReconnectDelay ? baseDelay : _options.MaxReconnectDelay;
        var exponent = Math.Min(Failures, 30);
        var delay = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * Math.Pow(2, exponent), cap.Ticks));
        Failures++;

        var jittered = TimeSpan.FromTicks((long)Math.Min(delay.Ticks * (1 + (_options.JitterRatio * _random())), LongestDelay.Ticks));
        var chosen = retryAfter is { } asked && asked > jittered ? asked : jittered;
        return Govern(chosen > LongestDelay ? LongestDelay : chosen);
    }

    private TimeSpan Govern(TimeSpan delay) => Lane?.Reserve(delay) ?? delay;
}
