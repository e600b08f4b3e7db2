namespace ResilientSse.Executions.Internal;

/// <summary>How one stream attempt of a watch ended.</summary>
internal enum StreamOutcome
{
    /// <summary>The terminal event was yielded: the watch is over.</summary>
    Terminal,

    /// <summary>The connection opened, then ended or failed before the terminal event.</summary>
    Dropped,

    /// <summary>The connection could not be opened for a reason that may pass (network, 5xx, 408, 429, timeout).</summary>
    Failed,

    /// <summary>The server said there is nothing more to send (204).</summary>
    NoContent,

    /// <summary>The endpoint cannot stream this execution (404/405/410/501, not <c>text/event-stream</c>, other 4xx).</summary>
    Unusable,

    /// <summary>The catch-up deadline passed during the attempt.</summary>
    DeadlinePassed,
}
