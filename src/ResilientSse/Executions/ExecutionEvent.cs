using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

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

    /// <summary>
    /// The event id exactly as the server sent it. A terminal event built from the snapshot carries the id of the
    /// event it stands for (the snapshot's <c>lastEventId</c>), so the last id a consumer stores needs no special case.
    /// <see langword="null"/> for gaps, events the server sent without an id, and a snapshot-built event whose
    /// snapshot names no id beyond those already yielded.
    /// </summary>
    public string? Id { get; }

    /// <summary>The event id as a sequence number; <see langword="null"/> exactly when <see cref="Id"/> is.</summary>
    public long? Sequence { get; }

    /// <summary>
    /// The event's JSON data. For snapshot-built terminal events, an object with <c>executionId</c>,
    /// <c>status</c>, <c>executionTime</c>, <c>output</c>, <c>error</c> and <c>timestamp</c> taken from the
    /// snapshot; for gaps, an undefined element (<see cref="JsonValueKind.Undefined"/>).
    /// </summary>
    public JsonElement Data { get; }

    /// <summary>
    /// Reads <see cref="Data"/> as a <typeparamref name="T"/> through source-generated metadata, which trimming and
    /// NativeAOT keep: <c>e.GetData(MyJsonContext.Default.NodeCompleted)</c>.
    /// </summary>
    /// <typeparam name="T">The type the data holds.</typeparam>
    /// <param name="jsonTypeInfo">The metadata for <typeparamref name="T"/>, usually from a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/>.</param>
    /// <returns>The data as a <typeparamref name="T"/>; <see langword="null"/> when the data is JSON <c>null</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="jsonTypeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The item is a gap, which has no data.</exception>
    /// <exception cref="JsonException">The data does not fit <typeparamref name="T"/>.</exception>
    public T? GetData<T>(JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        if (Kind == ExecutionEventKind.Gap)
        {
            throw new InvalidOperationException($"A gap ({MissingFrom}..{MissingTo} of {ExecutionId}) has no data: check Kind before reading it.");
        }

        return Data.Deserialize(jsonTypeInfo);
    }

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

    internal static ExecutionEvent FromSnapshot(string executionId, string? id, long? sequence, string type, JsonElement data, ExecutionStatus status, DateTimeOffset receivedAt) =>
        new(executionId, ExecutionEventKind.Event, ExecutionEventSource.Snapshot, type, id, sequence, data, status, null, null, receivedAt);

    internal static ExecutionEvent Gap(string executionId, long from, long to, DateTimeOffset receivedAt) =>
        new(executionId, ExecutionEventKind.Gap, ExecutionEventSource.Watcher, GapType, null, null, default, null, from, to, receivedAt);
}
