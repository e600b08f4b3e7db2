namespace ResilientSse.Streaming;

/// <summary>Facts about a connection that was just established.</summary>
/// <param name="Connection">The connection's number within the subscription, from 1.</param>
/// <param name="RequestUri">The address that was requested.</param>
/// <param name="LastEventId">The <c>Last-Event-ID</c> that was sent, or an empty string when none was.</param>
public readonly record struct SseConnectedArguments(int Connection, Uri? RequestUri, string LastEventId);
