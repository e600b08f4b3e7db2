namespace ResilientSse.Executions.Internal;

/// <summary>What the last action of a watch reported: the input of <see cref="WatchMachine.Decide"/>.</summary>
internal enum WatchSignal
{
    /// <summary>The watch begins.</summary>
    Started,

    /// <summary>The stream delivered the terminal event.</summary>
    TerminalEvent,

    /// <summary>A connection ended (cut, reset, idle timeout, end of response) after delivering at least one new event.</summary>
    StreamDelivered,

    /// <summary>A connection ended in the middle of an event, with no new complete event: accepted and cut, which is progress, not a refusal.</summary>
    StreamCutMidEvent,

    /// <summary>A connection ended with nothing new: no event, or only events already yielded, or only comments.</summary>
    StreamEmpty,

    /// <summary>
    /// A connection that stayed up for <see cref="Streaming.SseClientOptions.HealthyConnectionThreshold"/> ended with
    /// nothing new — a proxy's cut of a quiet stream during a long stage: a healthy stream, not a failure.
    /// </summary>
    StreamHealthyEnd,

    /// <summary>
    /// The quiet check abandoned a connection that brought no new event for the interval: in
    /// <see cref="WatchPhase.Streaming"/> because the snapshot showed the end, in <see cref="WatchPhase.CatchingUp"/>
    /// because the events it should replay did not come.
    /// </summary>
    StreamQuiet,

    /// <summary>The stream request was answered 408, 429 or 5xx, or failed before an answer (network error, timeout).</summary>
    StreamRefused,

    /// <summary>The stream answered 204: nothing more to send.</summary>
    StreamNoContent,

    /// <summary>The stream cannot serve this execution: 404, 405, 410, 501, another 4xx, or a body that is not <c>text/event-stream</c>.</summary>
    StreamUnusable,

    /// <summary>The snapshot shows a terminal status.</summary>
    SnapshotTerminal,

    /// <summary>The snapshot shows the execution still going.</summary>
    SnapshotRunning,

    /// <summary>The snapshot could not be read this time.</summary>
    SnapshotUnavailable,

    /// <summary>No contact with the server for the offline budget (in catching up: no new event for it).</summary>
    OfflineBudgetSpent,
}
