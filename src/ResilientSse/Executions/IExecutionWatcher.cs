namespace ResilientSse.Executions;

/// <summary>
/// Watches long-running executions (workflow runs, jobs, builds) to their end over Server-Sent Events,
/// merging the event stream, <c>Last-Event-ID</c> resumption and the execution's snapshot into one
/// ordered sequence that always ends with the terminal state.
/// </summary>
public interface IExecutionWatcher
{
    /// <summary>
    /// Streams the events of one execution: every event of its log at most once, in increasing id order,
    /// visible <see cref="ExecutionEventKind.Gap"/> items for ids that could not be obtained, and exactly
    /// one terminal event last.
    /// </summary>
    /// <param name="executionId">The execution to watch; escaped as one path segment.</param>
    /// <param name="cancellationToken">Stops the watch and releases its connection.</param>
    /// <returns>The execution's events, ending with its terminal event.</returns>
    /// <exception cref="ArgumentException"><paramref name="executionId"/> is null, empty or white space.</exception>
    /// <exception cref="ExecutionNotFoundException">The server does not know the execution.</exception>
    /// <exception cref="ExecutionProtocolException">The server broke the execution contract (malformed JSON, non-numeric ids).</exception>
    /// <exception cref="SseHttpStatusException">The server refused access (401, 403).</exception>
    /// <exception cref="OfflineBudgetExceededException">No contact with the server for the configured offline budget.</exception>
    /// <exception cref="SseLimitExceededException">A line or event was larger than the configured maximum.</exception>
    IAsyncEnumerable<ExecutionEvent> WatchAsync(string executionId, CancellationToken cancellationToken = default);

    /// <summary>Reads the current snapshot of one execution (<c>GET …/executions/{id}</c>).</summary>
    /// <param name="executionId">The execution to read.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The execution's snapshot.</returns>
    /// <exception cref="ArgumentException"><paramref name="executionId"/> is null, empty or white space.</exception>
    /// <exception cref="ExecutionNotFoundException">The server does not know the execution.</exception>
    /// <exception cref="ExecutionProtocolException">The snapshot was not valid JSON of the expected shape.</exception>
    /// <exception cref="SseHttpStatusException">The server answered a status that asking again cannot fix (401, 403, 400, 405, …).</exception>
    /// <exception cref="SseTransientException">
    /// Trouble a later call may not have: the server could not be reached, did not answer within
    /// <see cref="ExecutionWatcherOptions.SnapshotTimeout"/>, or answered 408, 429 or 5xx;
    /// <see cref="SseTransientException.StatusCode"/> and <see cref="SseTransientException.RetryAfter"/> say when to ask again.
    /// </exception>
    Task<ExecutionSnapshot> GetSnapshotAsync(string executionId, CancellationToken cancellationToken = default);
}
