namespace ResilientSse.Streaming;

/// <summary>Facts about an established connection that just ended.</summary>
/// <param name="Connection">The connection's number within the subscription, from 1.</param>
/// <param name="Cause">Why it ended, or <see langword="null"/> when the server ended the stream cleanly or the consumer stopped.</param>
public readonly record struct SseDisconnectedArguments(int Connection, Exception? Cause);
