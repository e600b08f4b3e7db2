namespace ResilientSse.Streaming;

/// <summary>The kinds of <see cref="SseNotice"/>.</summary>
public enum SseNoticeKind
{
    /// <summary>A connection was established (status 200, <c>text/event-stream</c>).</summary>
    Connected = 0,

    /// <summary>An established connection ended: the server or a proxy closed it, or it failed (<see cref="SseNotice.Cause"/>).</summary>
    Disconnected = 1,

    /// <summary>The subscription waits <see cref="SseNotice.Delay"/> before its next connection attempt.</summary>
    Reconnecting = 2,
}
