using System.Text.Json;

namespace ResilientSse.Executions;

/// <summary>
/// One item of a watch: an event of the execution's log (from the stream, or the terminal event built
/// from the snapshot), or a <see cref="ExecutionEventKind.Gap"/> naming the ids that could not be obtained.
/// </summary>
public sealed class ExecutionEvent
{
    /// <summary>The <see cref="Type"/> of gap items.</summary>
    public const string GapType = "gap";

    private ExecutionEvent(
        string executionId,
        ExecutionEventKind kind,
        ExecutionEventSource source,
        string type,
        string? id,
        long? sequence,
        JsonElement data,
        ExecutionStatus? status,
        long? missingFrom,
        long? missingTo,
        DateTimeOffset receivedAt)
    {
        ExecutionId = executionId;
        Kind = kind;
        Source = source;
        Type = type;
        Id = id;
        Sequence = sequence;
        Data = data;
        Status = status;
        MissingFrom = missingFrom;
        MissingTo = missingTo;
        ReceivedAt = receivedAt;
    }

    /// <summary>The execution the event belongs to.</summary>
    public string ExecutionId { get; }

    /// <summary>Whether this is an event or a gap report.</summary>
    public ExecutionEventKind Kind { get; }

    /// <summary>Where the item came from.</summary>
    public ExecutionEventSource Source { get; }

    /// <summary>The event type as the server named it (for example <c>node.completed</c>), or <see cref="GapType"/>.</summary>
    public string Type { get; }

    /// <summary>The event id exactly as the server sent it; <see langword="null"/> for gaps, snapshot-built events and events the server sent without an id.</summary>
    public string? Id { get; }

    /// <summary>The event id as a sequence number; <see langword="null"/> for gaps, snapshot-built events and events the server sent without an id.</summary>
    public long? Sequence { get; }

    /// <summary>
    /// The event's JSON data. For snapshot-built terminal events, an object with <c>executionId</c>,
    /// <c>status</c>, <c>executionTime</c>, <c>output</c>, <c>error</c> and <c>timestamp</c> taken from the
    /// snapshot; for gaps, an undefined element (<see cref="JsonValueKind.Undefined"/>).
    /// </summary>
    public JsonElement Data { get; }

    /// <summary>Whether this is the execution's terminal event: the last item of every watch.</summary>
    public bool IsTerminal => Status is { } status && status.IsTerminal();

    /// <summary>The terminal status carried by a terminal event; <see langword="null"/> on every other item.</summary>
    public ExecutionStatus? Status { get; }

    /// <summary>For a gap, the first missing event id (inclusive); otherwise <see langword="null"/>.</summary>
    public long? MissingFrom { get; }

    /// <summary>For a gap, the last missing event id (inclusive); otherwise <see langword="null"/>.</summary>
    public long? MissingTo { get; }

    /// <summary>When the watcher received or built the item, by its <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <inheritdoc />
    public override string ToString() => Kind == ExecutionEventKind.Gap
        ? $"gap {MissingFrom}..{MissingTo} of {ExecutionId}"
        : $"{Type} #{Id ?? "-"} of {ExecutionId} ({Source}{(IsTerminal ? ", terminal" : string.Empty)})";

    internal static ExecutionEvent FromStream(
        string executionId, string? id, long? sequence, string type, JsonElement data, ExecutionStatus? terminalStatus, DateTimeOffset receivedAt) =>
        new(executionId, ExecutionEventKind.Event, ExecutionEventSource.Stream, type, id, sequence, data, terminalStatus, null, null, receivedAt);

    internal static ExecutionEvent FromSnapshot(string executionId, string type, JsonElement data, ExecutionStatus status, DateTimeOffset receivedAt) =>
        new(executionId, ExecutionEventKind.Event, ExecutionEventSource.Snapshot, type, null, null, data, status, null, null, receivedAt);

    internal static ExecutionEvent Gap(string executionId, long from, long to, DateTimeOffset receivedAt) =>
        new(executionId, ExecutionEventKind.Gap, ExecutionEventSource.Watcher, GapType, null, null, default, null, from, to, receivedAt);
}
