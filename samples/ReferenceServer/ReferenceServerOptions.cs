namespace ResilientSse.ReferenceServer;

/// <summary>How the reference server listens, stores, streams, limits and misbehaves.</summary>
public sealed class ReferenceServerOptions
{
    /// <summary>Gets or sets the address to listen on; port 0 picks a free port. Default <c>http://127.0.0.1:5080</c>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Gets or sets addresses (<c>;</c>-separated) that speak HTTP/2 without TLS (h2c, prior knowledge only), beside
    /// <see cref="Urls"/>, which stay HTTP/1.1; port 0 picks a free port. Default none.
    /// </summary>
    public string? Http2Urls { get; set; }

    /// <summary>Gets or sets how many streams one HTTP/2 connection may carry at once (each watch is one). Default 100000.</summary>
    public int Http2MaxStreamsPerConnection { get; set; } = 100_000;

    /// <summary>Gets or sets where executions are kept. Default <see cref="ReferenceStoreKind.Sqlite"/>.</summary>
    public ReferenceStoreKind Store { get; set; } = ReferenceStoreKind.Sqlite;

    /// <summary>Gets or sets the SQLite file, created when missing. Default <c>reference-server.db</c> in the current directory.</summary>
    public string DatabasePath { get; set; } = "reference-server.db";

    /// <summary>Gets or sets the Redis server of <see cref="ReferenceStoreKind.Redis"/>, as <c>host:port</c>. Default none.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Gets or sets the prefix of every Redis key the server uses: servers with the same prefix share executions.
    /// Default <c>rsse:</c>.
    /// </summary>
    public string RedisKeyPrefix { get; set; } = "rsse:";

    /// <summary>
    /// Gets or sets how long a server's hold on an execution it runs lasts without being renewed (Redis store): when the
    /// server is gone this long, another one ends the execution with <c>workflow.failed</c> ("node lost"). It is renewed
    /// every third of this time. Default 10 s.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a stream may go without writing before a <c>: keep-alive</c> comment. Default 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the <c>retry:</c> value, in milliseconds, sent first on every stream. Default 1000.</summary>
    public int RetryMilliseconds { get; set; } = 1000;

    /// <summary>Gets or sets the delivery faults. Default none.</summary>
    public ReferenceFaultOptions Faults { get; set; } = new();

    /// <summary>
    /// Gets or sets how many executions this server may run at once; more are refused with 429. Exact under any
    /// concurrency: a place is reserved before an execution is created, and given back when its run stops here. On a
    /// shared store (Redis) the limit is each node's own — the runs started through it, whose lease it holds, whichever
    /// nodes stream them — so N nodes run up to N times as many; a run another node ends (a cancel sent there,
    /// or taken for lost) gives its place back when this node hears of it: at once on a Redis channel, at the latest at
    /// its next lease renewal. Default 100.
    /// </summary>
    public int MaxLiveExecutions { get; set; } = 100;

    /// <summary>Gets or sets how many events a stream subscriber may fall behind before its response is ended. Default 256.</summary>
    public int SubscriberBufferSize { get; set; } = 256;

    /// <summary>Gets or sets the largest request body accepted, in bytes. Default 65536.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the largest <c>stages</c> input accepted. Default 1000.</summary>
    public int MaxStages { get; set; } = 1000;

    /// <summary>Gets or sets the largest <c>delayMs</c> input accepted. Default 600000 (10 minutes).</summary>
    public int MaxDelayMs { get; set; } = 600_000;

    /// <summary>Gets or sets the <c>Retry-After</c>, in seconds, of the 429 that refuses an execution beyond <see cref="MaxLiveExecutions"/>. Default 1.</summary>
    public int MaxLiveRetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// Gets or sets whether every event stream is logged at Information (category
    /// <c>ResilientSse.ReferenceServer.Streams</c>): opened, resumed from which id, ended after how many events and
    /// why, or answered without a stream. Default <see langword="true"/>.
    /// </summary>
    public bool RequestLog { get; set; } = true;

    /// <summary>Gets or sets a hook that adds logging providers or filters, after the server's own (tests capture the log with it).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }

    /// <summary>Gets or sets the clock for timestamps and stage delays. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets the host names, besides the ones in <see cref="Urls"/>, that requests may name in their <c>Host</c> header;
    /// any other is refused with 421. <c>*</c> allows every name.
    /// </summary>
    /// <value>
    /// Empty: a server bound to loopback answers only <c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c> and its bound names
    /// (a web page cannot reach it through a rebound DNS name); a server bound to any other address answers every name.
    /// </value>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Returns every invalid setting with its value; empty when all are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Faults.Validate());
        if (string.IsNullOrWhiteSpace(Urls))
        {
            errors.Add("Urls must be set.");
        }

        foreach (var url in Listeners.Split(Http2Urls))
        {
            if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"Http2Urls ('{url}') must be http:// addresses: the HTTP/2 endpoint speaks h2c, without TLS.");
            }
        }

        if (Store == ReferenceStoreKind.Sqlite && string.IsNullOrWhiteSpace(DatabasePath))
        {
            errors.Add("DatabasePath must be set for the SQLite store.");
        }

        if (Store == ReferenceStoreKind.Redis)
        {
            ValidateRedis(errors);
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            errors.Add($"HeartbeatInterval ({HeartbeatInterval}) must be greater than zero.");
        }

        foreach (var host in AllowedHosts)
        {
            if (string.IsNullOrWhiteSpace(host) || host.Contains('/', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) && !System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _))
            {
                errors.Add($"AllowedHosts ('{host}') must be a host name or address without scheme, port or path, such as example.test.");
            }
        }

        AddIfBelow(errors, nameof(RetryMilliseconds), RetryMilliseconds, 0);
        AddIfBelow(errors, nameof(MaxLiveExecutions), MaxLiveExecutions, 1);
        AddIfBelow(errors, nameof(Http2MaxStreamsPerConnection), Http2MaxStreamsPerConnection, 1);
        AddIfBelow(errors, nameof(SubscriberBufferSize), SubscriberBufferSize, 1);
        AddIfBelow(errors, nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, 256);
        AddIfBelow(errors, nameof(MaxStages), MaxStages, 1);
        AddIfBelow(errors, nameof(MaxDelayMs), MaxDelayMs, 0);
        AddIfBelow(errors, nameof(MaxLiveRetryAfterSeconds), MaxLiveRetryAfterSeconds, 1);
        return errors;
    }

    private void ValidateRedis(List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Redis))
        {
            errors.Add("Redis must be set (host:port, e.g. 127.0.0.1:6379) for the Redis store.");
        }
        else
        {
            var colon = Redis.LastIndexOf(':');
            var host = colon > 0 ? Redis[..colon].Trim('[', ']') : string.Empty;
            if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or ',' or '=')
                || !int.TryParse(Redis.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
                || port is < 1 or > 65535)
            {
                errors.Add($"Redis ('{Redis}') must be host:port, e.g. 127.0.0.1:6379.");
            }
        }

        if (string.IsNullOrEmpty(RedisKeyPrefix) || RedisKeyPrefix.Any(char.IsWhiteSpace))
        {
            errors.Add($"RedisKeyPrefix ('{RedisKeyPrefix}') must be set and hold no white space.");
        }

        if (LeaseTime < TimeSpan.FromMilliseconds(300))
        {
            errors.Add($"LeaseTime ({LeaseTime}) must be at least 300 ms.");
        }
    }

    private static void AddIfBelow(List<string> errors, string name, long value, long minimum)
    {
        if (value < minimum)
        {
            errors.Add($"{name} ({value}) must be at least {minimum}.");
        }
    }
}
