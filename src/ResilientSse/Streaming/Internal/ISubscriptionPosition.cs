namespace ResilientSse.Streaming.Internal;

/// <summary>Where a subscription's enumeration stands, beside the item it yielded last.</summary>
internal interface ISubscriptionPosition
{
    /// <summary>Gets the last event ID in effect after the current item.</summary>
    string LastEventId { get; }

    /// <summary>Gets the number of the connection that delivered the current item (from 1); 0 before the first.</summary>
    int Connection { get; }
}
