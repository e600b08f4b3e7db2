namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>What a <see cref="ScriptedSseServer"/> does; the defaults are a well-behaved resumable stream.</summary>
internal sealed record ScriptedSseScript
{
    /// <summary>Gets how many events the stream has (ids 1..n); after the last the response ends.</summary>
    public int Events { get; init; } = 1000;

    /// <summary>Gets the time between events.</summary>
    public TimeSpan EventInterval { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Gets the heartbeat interval, or null for none.</summary>
    public TimeSpan? Heartbeat { get; init; } = TimeSpan.FromMilliseconds(150);

    public bool SendRetry { get; init; } = true;

    public bool HonourLastEventId { get; init; } = true;

    /// <summary>Gets whether the Last-Event-ID header is read (else only <c>?lastEventId=</c>, as behind a proxy that drops the header).</summary>
    public bool ReadHeader { get; init; } = true;

    /// <summary>Gets whether a reconnect after the last event is answered 204 (or an empty 200).</summary>
    public bool EndWith204 { get; init; } = true;

    public bool Compress { get; init; }

    public string ContentType { get; init; } = "text/event-stream";

    public int PaddingBytes { get; init; }
}
