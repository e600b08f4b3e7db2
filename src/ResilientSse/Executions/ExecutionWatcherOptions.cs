using ResilientSse.Executions.Internal;
using ResilientSse.Streaming;

namespace ResilientSse.Executions;

/// <summary>
/// Options of an <see cref="IExecutionWatcher"/>. Plain settable properties, so they bind from configuration;
/// validated once, when the watcher is created (or at host start through dependency injection).
/// </summary>
public sealed class ExecutionWatcherOptions
{
    /// <summary>The server's base address; relative paths are resolved against it.</summary>
    /// <value>Default: <see langword="null"/>, meaning the <see cref="HttpClient.BaseAddress"/> of the watcher's client, which must then be set.</value>
    public Uri? BaseAddress { get; set; }

    /// <summary>The stream path, relative to <see cref="BaseAddress"/>; <c>{id}</c> stands for the escaped execution id.</summary>
    /// <value>Default: <c>workflow/executions/{id}/stream</c>.</value>
    public string StreamPath { get; set; } = ExecutionWatcherDefaults.StreamPath;

    /// <summary>The snapshot path, relative to <see cref="BaseAddress"/>; <c>{id}</c> stands for the escaped execution id.</summary>
    /// <value>Default: <c>workflow/executions/{id}</c>.</value>
    public string SnapshotPath { get; set; } = ExecutionWatcherDefaults.SnapshotPath;

    /// <summary>
    /// Options of the stream connections: idle timeout, reconnect delays, jitter, size limit. The watcher's
    /// own <see cref="OfflineBudget"/> and <see cref="FirstContactBudget"/> replace those of the stream options.
    /// </summary>
    /// <value>Default: a new <see cref="SseClientOptions"/> with its own defaults.</value>
    public SseClientOptions Stream { get; set; } = new();

    /// <summary>
    /// How often the snapshot is read while the stream is unusable (polling mode), or while the stream asked for a wait
    /// longer than this (a long <c>Retry-After</c>), so that the end is never noticed late.
    /// </summary>
    /// <value>Default: 2 seconds.</value>
    public TimeSpan PollInterval { get; set; } = ExecutionWatcherDefaults.PollInterval;

    /// <summary>How often, in polling mode, the watcher tries to return to the stream.</summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan StreamRetryInterval { get; set; } = ExecutionWatcherDefaults.StreamRetryInterval;

    /// <summary>
    /// How many stream attempts in a row may be refused (408, 429, 5xx, a network error) or bring nothing new before
    /// the watcher switches to polling the snapshot. Once the snapshot shows the execution ended, the events still
    /// missing are reported as a gap only after more than this many such attempts in a row. Connections cut in the
    /// middle of an event are progress and do not count, and every attempt waits what the server asked for
    /// (<c>Retry-After</c>, <c>retry:</c>) first.
    /// </summary>
    /// <value>Default: 5.</value>
    public int MaxStreamFailures { get; set; } = ExecutionWatcherDefaults.MaxStreamFailures;

    /// <summary>
    /// How long a connected stream may bring no new event (heartbeat comments do not count) before the watcher reads
    /// the snapshot alongside it. When the snapshot shows the execution ended, the connection is abandoned and the
    /// watch finishes as after a drop: a server that keeps the connection alive but lost the final events cannot keep
    /// the watch "running". When the snapshot shows it still running, the check repeats after the same interval.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns the check off.
    /// </summary>
    /// <value>Default: 15 seconds.</value>
    public TimeSpan QuietStreamCheckInterval { get; set; } = ExecutionWatcherDefaults.QuietStreamCheckInterval;

    /// <summary>How long one snapshot request may take before it counts as failed.</summary>
    /// <value>Default: 10 seconds.</value>
    public TimeSpan SnapshotTimeout { get; set; } = ExecutionWatcherDefaults.SnapshotTimeout;

    /// <summary>
    /// How long the watcher may go without any successful contact with the server (a stream connected or a
    /// snapshot answered) before it gives up with <see cref="OfflineBudgetExceededException"/>. Once the snapshot
    /// shows the execution ended, the budget counts from the last new event instead, and when it runs out the events
    /// still missing are reported as a gap and the watch ends from the snapshot.
    /// <see cref="Timeout.InfiniteTimeSpan"/> never gives up.
    /// </summary>
    /// <value>Default: 10 minutes.</value>
    public TimeSpan OfflineBudget { get; set; } = ExecutionWatcherDefaults.OfflineBudget;

    /// <summary>
    /// How long a watch that has never reached the server (no stream connected, no snapshot answered) keeps trying
    /// before it gives up with <see cref="OfflineBudgetExceededException"/>, whose inner exception says why (refused,
    /// DNS, TLS, 503): a wrong address or a server that is not running fails in seconds, while a watch that has had
    /// contact keeps the long <see cref="OfflineBudget"/>. The shorter of the two applies;
    /// <see cref="Timeout.InfiniteTimeSpan"/> leaves only <see cref="OfflineBudget"/>.
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan FirstContactBudget { get; set; } = ExecutionWatcherDefaults.FirstContactBudget;

    /// <summary>Terminal event types and the status each one means.</summary>
    /// <value>Default: <c>workflow.completed</c> → Completed, <c>workflow.failed</c> → Failed, <c>workflow.cancelled</c> → Cancelled.</value>
    public IDictionary<string, ExecutionStatus> TerminalEventTypes { get; set; } = ExecutionWatcherDefaults.CreateTerminalEventTypes();

    /// <summary>Status names of the snapshot's <c>status</c> field and what they mean; names are matched ignoring case.</summary>
    /// <value>Default: <c>pending</c>, <c>running</c>, <c>completed</c>, <c>failed</c>, <c>cancelled</c> (and <c>canceled</c>).</value>
    public IDictionary<string, ExecutionStatus> StatusNames { get; set; } = ExecutionWatcherDefaults.CreateStatusNames();

    /// <summary>
    /// Turns an event's <c>id</c> into its sequence number, or <see langword="null"/> when it is not one
    /// (a contract violation that ends the watch).
    /// </summary>
    /// <value>Default: a non-negative decimal integer (invariant culture).</value>
    public Func<string, long?> ParseEventId { get; set; } = ExecutionWatcherDefaults.ParseEventId;

    /// <summary>
    /// Gets or sets the callback that observes a watch: every notable step — connections, reconnects, snapshot
    /// checks, fallbacks, gaps, duplicates dropped — with its cause. It is the one way to observe a watch
    /// (<see cref="Streaming.SseClientOptions.OnNotice"/> of <see cref="Stream"/> must stay unset). It runs on the
    /// watch's own flow, so it should return quickly. An exception it throws ends the watch: its connection is closed
    /// and the exception comes out of the <c>await foreach</c> unchanged.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public Action<ExecutionWatchNotice>? OnNotice { get; set; }
}
