namespace ResilientSse.Streaming;

/// <summary>
/// A notable step of a subscription, reported through <see cref="SseClientOptions.OnNotice"/>: a connection made, a
/// connection ended, a reconnection about to wait.
/// </summary>
public sealed class SseNotice
{
    /// <summary>Creates a notice.</summary>
    /// <param name="kind">What happened.</param>
    /// <param name="message">A sentence for people.</param>
    public SseNotice(SseNoticeKind kind, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Kind = kind;
        Message = message;
    }

    /// <summary>Gets what happened.</summary>
    public SseNoticeKind Kind { get; }

    /// <summary>Gets a sentence for people, e.g. for a <c>--verbose</c> log.</summary>
    public string Message { get; }

    /// <summary>Gets the number, within the subscription, of the connection the notice is about (from 1); 0 before the first.</summary>
    public int Connection { get; init; }

    /// <summary>Gets the number of the attempt about to wait, counted since the last established connection (from 1), for <see cref="SseNoticeKind.Reconnecting"/>.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets how long the subscription waits before the attempt, for <see cref="SseNoticeKind.Reconnecting"/>.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>
    /// Gets why the connection or the attempt ended, when something failed; <see langword="null"/> when the server (or
    /// a proxy) ended the response cleanly. An <see cref="SseTransientException"/> carries the status and <c>Retry-After</c>.
    /// </summary>
    public ResilientSseException? Cause { get; init; }

    /// <summary>Gets the address requested, for <see cref="SseNoticeKind.Connected"/>.</summary>
    public Uri? RequestUri { get; init; }

    /// <summary>Gets the last event ID in effect: sent as <c>Last-Event-ID</c> by the connection (or the next attempt); empty when none.</summary>
    public string LastEventId { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Message}";
}
