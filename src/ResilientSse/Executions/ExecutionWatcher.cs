using Microsoft.Extensions.Logging;

namespace ResilientSse.Executions;

/// <summary>The <see cref="IExecutionWatcher"/> over HTTP: stream, resumption and snapshot fallback in one sequence.</summary>
public sealed partial class ExecutionWatcher : IExecutionWatcher
{
    /// <summary>Creates a watcher that uses <paramref name="httpClient"/> for every request.</summary>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> is used when <see cref="ExecutionWatcherOptions.BaseAddress"/> is not set.</param>
    /// <param name="options">The options, validated here.</param>
    /// <param name="timeProvider">The clock and timers; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where logs go; none when <see langword="null"/>.</param>
    public ExecutionWatcher(HttpClient httpClient, ExecutionWatcherOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        _ = timeProvider;
        _ = loggerFactory;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ExecutionEvent> WatchAsync(string executionId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("pending");

    /// <inheritdoc />
    public Task<ExecutionSnapshot> GetSnapshotAsync(string executionId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("pending");
}
