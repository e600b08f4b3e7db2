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
        DateTimeOffset receivedAt,
        byte[]? dataUtf8 = null)
    {
        _dataUtf8 = dataUtf8;
        ExecutionId = executionId;
        Kind = kind;
        Source = source;
        Type = type;
        Id = id;
        Sequence = sequence;
        _data = data;
        Status = status;
        MissingFrom = missingFrom;
        MissingTo = missingTo;
        ReceivedAt = receivedAt;
    }

    private readonly JsonElement _data;
    private readonly byte[]? _dataUtf8;
    private ParsedData? _parsed;

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
    /// <remarks>
    /// An event from the stream keeps its data as the text received (checked to be JSON when it arrived) and parses it
    /// on the first read of this property: a consumer that only relays <see cref="DataUtf8"/> pays no parse.
    /// </remarks>
    public JsonElement Data => _dataUtf8 is null ? _data : (Volatile.Read(ref _parsed) ?? Parse()).Element;

    /// <summary>
    /// The data's JSON text exactly as the server sent it, in UTF-8 (bytes that were not UTF-8 replaced with U+FFFD),
    /// for events from the stream; empty for gaps and snapshot-built events, whose data is <see cref="Data"/> alone.
    /// Relaying it saves writing <see cref="Data"/> out again.
    /// </summary>
    public ReadOnlyMemory<byte> DataUtf8 => _dataUtf8;

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

        // From the text received when there is one: no document in between.
        return _dataUtf8 is null ? Data.Deserialize(jsonTypeInfo) : JsonSerializer.Deserialize(_dataUtf8, jsonTypeInfo);
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

    /// <summary>An event from the stream whose data is <paramref name="dataUtf8"/>: JSON text, checked already, parsed on first use.</summary>
    internal static ExecutionEvent FromStream(
        string executionId, string? id, long? sequence, string type, byte[] dataUtf8, ExecutionStatus? terminalStatus, DateTimeOffset receivedAt) =>
        new(executionId, ExecutionEventKind.Event, ExecutionEventSource.Stream, type, id, sequence, default, terminalStatus, null, null, receivedAt, dataUtf8);

    internal static ExecutionEvent FromSnapshot(string executionId, string? id, long? sequence, string type, JsonElement data, ExecutionStatus status, DateTimeOffset receivedAt) =>
        new(executionId, ExecutionEventKind.Event, ExecutionEventSource.Snapshot, type, id, sequence, data, status, null, null, receivedAt);

    internal static ExecutionEvent Gap(string executionId, long from, long to, DateTimeOffset receivedAt) =>
        new(executionId, ExecutionEventKind.Gap, ExecutionEventSource.Watcher, GapType, null, null, default, null, from, to, receivedAt);

    // Parsed once, whoever reads first; a race parses twice and keeps one (both the same JSON).
    private ParsedData Parse()
    {
        var parsed = new ParsedData(JsonElement.Parse(_dataUtf8.AsSpan()));
        return Interlocked.CompareExchange(ref _parsed, parsed, null) ?? parsed;
    }

    /// <summary>The parsed data, in a class so that it is published in one reference write.</summary>
    private sealed class ParsedData(JsonElement element)
    {
        public JsonElement Element { get; } = element;
    }
}
