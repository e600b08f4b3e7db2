namespace ResilientSse.Streaming;

/// <summary>Facts about a reconnection that is about to wait for its delay.</summary>
/// <param name="Attempt">The attempt's number since the last established connection, from 1.</param>
/// <param name="Delay">How long the subscription waits before the attempt.</param>
/// <param name="Cause">Why the previous connection or attempt ended, or <see langword="null"/> when the server ended the stream cleanly.</param>
public readonly record struct SseReconnectingArguments(int Attempt, TimeSpan Delay, Exception? Cause);
