namespace ResilientSse.Streaming;

/// <summary>What a request factory knows when it builds the request for one connection attempt.</summary>
/// <param name="Attempt">The attempt's number within the subscription, from 1.</param>
/// <param name="LastEventId">
/// The last event ID in effect, or an empty string. The client adds the <c>Last-Event-ID</c> header itself when the
/// factory has not; a factory may also put it in the address for servers that read it there.
/// </param>
public readonly record struct SseRequestContext(int Attempt, string LastEventId);
