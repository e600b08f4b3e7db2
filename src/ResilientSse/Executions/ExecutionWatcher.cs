using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using ResilientSse.Executions.Internal;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions;

/// <summary>
/// The <see cref="IExecutionWatcher"/> over HTTP: the event stream, <c>Last-Event-ID</c> resumption and the
/// snapshot fallback merged into one sequence. Thread-safe: one instance can run many watches at once.
/// </summary>
/// <remarks>
/// <para>With dependency injection, use <c>services.AddExecutionWatcher(...)</c> (or <c>AddExecutionWatcher(name, ...)</c>
/// for several watchers): the watcher is then a singleton that takes a fresh <see cref="HttpClient"/> from
/// <c>IHttpClientFactory</c> for every watch (each enumeration of <see cref="WatchAsync"/>) and every
/// <see cref="GetSnapshotAsync"/> call, so the factory can rotate handlers and a long-lived watcher follows DNS changes.
/// A watcher created with an <see cref="HttpClient"/> uses that client for its whole life.</para>
/// <para>The <see cref="HttpClient"/> should not have a short <see cref="HttpClient.Timeout"/> in mind for streams: it
/// only covers the wait for response headers, and the watcher bounds that wait with
/// <see cref="Streaming.SseClientOptions.IdleTimeout"/> anyway.</para>
/// </remarks>
public sealed class ExecutionWatcher : IExecutionWatcher
{
    private readonly Func<HttpClient> _httpClients;
    private readonly ExecutionWatcherOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ILogger _connectorLogger;
    private readonly Uri _baseAddress;

    // Per watcher, not per client: the pipeline that holds every stream request to the wait it owes outlives the clients.
    private readonly ResiliencePipeline _streamRequests;

    /// <summary>Creates a watcher that uses <paramref name="httpClient"/> for every request.</summary>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> is used when <see cref="ExecutionWatcherOptions.BaseAddress"/> is not set.</param>
    /// <param name="options">The options, validated here.</param>
    /// <param name="timeProvider">The clock and timers; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where logs go; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every error with its value.</exception>
    public ExecutionWatcher(HttpClient httpClient, ExecutionWatcherOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(ReturnAlways(httpClient), options, timeProvider, loggerFactory)
    {
    }

    // Takes an HttpClient from httpClients for every subscription (watch, snapshot read): IHttpClientFactory's, in DI.
    internal ExecutionWatcher(Func<HttpClient> httpClients, ExecutionWatcherOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new ExecutionWatcherOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ExecutionWatcherOptions), validation.Failures);
        }

        _baseAddress = options.BaseAddress ?? httpClients().BaseAddress
            ?? throw new OptionsValidationException(Options.DefaultName, typeof(ExecutionWatcherOptions),
                ["BaseAddress is not set, and the HttpClient has no BaseAddress either: set ExecutionWatcherOptions.BaseAddress to the server's address."]);
        _httpClients = httpClients;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        var factory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = factory.CreateLogger<ExecutionWatcher>();
        _connectorLogger = factory.CreateLogger<SseConnector>();
        _streamRequests = OwedWaitStrategy.AddTo(new ResiliencePipelineBuilder { TimeProvider = _timeProvider }).Build();
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ExecutionEvent> WatchAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        return new Watch(this, executionId, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ExecutionSnapshot> GetSnapshotAsync(string executionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(executionId);
        var endpoints = Endpoints(executionId);
        var result = await Snapshots(_httpClients()).ReadAsync(executionId, endpoints, cancellationToken).ConfigureAwait(false);
        if (result.NotFound)
        {
            throw new ExecutionNotFoundException(executionId, endpoints.SnapshotUri);
        }

        if (result.Snapshot is { } snapshot)
        {
            return snapshot;
        }

        // A status that asking again cannot fix is the caller's to see as one; the rest is for a later call.
        var failure = result.Failure!;
        throw failure.StatusCode is { } status && (int)status is >= 400 and < 500 and not 408 and not 429
            ? new SseHttpStatusException(status, endpoints.SnapshotUri, $"The snapshot of execution '{executionId}' could not be read: {failure.Message}")
            : failure;
    }

    private static Func<HttpClient> ReturnAlways(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return () => httpClient;
    }

    private ExecutionEndpoints Endpoints(string executionId) => new(_baseAddress, _options, executionId);

    private SseConnector Connector(HttpClient httpClient) =>
        new(httpClient, _options.Stream, _timeProvider, _connectorLogger);

    private SnapshotReader Snapshots(HttpClient httpClient) => new(httpClient, _options, _timeProvider);

    /// <summary>What <see cref="WatchAsync"/> returns: each enumeration is a new, independent watch.</summary>
    private sealed class Watch(ExecutionWatcher watcher, string executionId, CancellationToken watchToken) : IAsyncEnumerable<ExecutionEvent>
    {
        public IAsyncEnumerator<ExecutionEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            // One client for the whole watch, a fresh one for the next: the factory's handler rotation reaches long-lived watchers.
            var httpClient = watcher._httpClients();
            var session = new WatchSession(executionId, watcher._options, watcher.Endpoints(executionId), watcher.Connector(httpClient), watcher.Snapshots(httpClient),
                watcher._streamRequests, watcher._timeProvider, watcher._logger);

            // The compiler links the token given to WatchAsync with the one given to WithCancellation.
            return session.RunAsync(watchToken).GetAsyncEnumerator(cancellationToken);
        }
    }
}
