using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>
/// A stream that can take a live event straight from the publishing thread while it is caught up and idle, sparing the
/// wake-up of its own loop for every event (the fan-out's cost with many subscribers).
/// </summary>
internal interface IDirectDelivery
{
    /// <summary>
    /// Writes <paramref name="stored"/> to the stream now if it is caught up, idle and delivers without faults; returns
    /// false (nothing written) otherwise, and the event is queued for the stream's loop as usual. Never waits.
    /// </summary>
    /// <param name="stored">The next live event; the caller offers it only while nothing else is queued.</param>
    /// <param name="wake">
    /// Set when the stream's loop must run now although the event was written: it was the terminal event, the client
    /// has gone, or the send is still in progress and must be awaited before the stream writes again.
    /// </param>
    bool TryDeliver(StoredEvent stored, out bool wake);
}
