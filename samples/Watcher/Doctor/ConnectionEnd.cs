namespace ResilientSse.Watcher.Doctor;

/// <summary>How one connection of an observation ended.</summary>
internal enum ConnectionEnd
{
    /// <summary>No response: refused, name not resolved, timed out before the headers.</summary>
    Failed,

    /// <summary>A response that is not a stream (any status but 200, or not <c>text/event-stream</c>); the body was not read.</summary>
    NotAStream,

    /// <summary>The server or something on the path closed the body (end of stream or reset).</summary>
    Closed,

    /// <summary>The observation's time ran out with the stream still open.</summary>
    TimeUp,

    /// <summary>A resumption check got what it came for and hung up.</summary>
    Enough,
}
