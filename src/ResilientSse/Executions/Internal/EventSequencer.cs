using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

/// <summary>
/// Keeps the order promise of a watch: turns dispatched SSE events into execution events, drops ids already
/// yielded, and names the ids skipped when the sequence jumps.
/// </summary>
internal sealed class EventSequencer(string executionId, ExecutionWatcherOptions options, TimeProvider timeProvider)
{
    /// <summary>The highest sequence number yielded so far; 0 before the first.</summary>
    public long LastSequence { get; private set; }

    /// <summary>The id of the last event yielded, exactly as the server sent it: what a resume sends.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>Whether the terminal event has been yielded.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>
    /// Accepts one dispatched event. Returns <see langword="null"/> for a duplicate; otherwise the event, and
    /// in <paramref name="gap"/> the run of ids it skipped over, if any. An event whose block had no <c>id</c> (or an
    /// empty one) is legal SSE: it is yielded in stream order, is never a duplicate, and moves no sequence number.
    /// </summary>
    /// <exception cref="ExecutionProtocolException">The event has a non-numeric id or data that is not JSON.</exception>
    public ExecutionEvent? Accept(in SseEvent sse, out ExecutionEvent? gap)
    {
        gap = null;
        var id = sse.HasIdField ? sse.LastEventId : string.Empty;
        long sequence = 0;
        if (id.Length != 0)
        {
            sequence = options.ParseEventId(id)
                ?? throw new ExecutionProtocolException(executionId, $"event id '{id}' of a '{sse.EventType}' event is not a sequence number.");
            if (sequence <= LastSequence)
            {
                return null;
            }
        }

        byte[] data;
        try
        {
            data = CheckedData(sse.DataUtf8.Span);
        }
        catch (JsonException ex)
        {
            throw new ExecutionProtocolException(executionId, $"the data of event {(id.Length != 0 ? id : "(no id)")} ('{sse.EventType}') is not valid JSON ({ex.Message}).", ex);
        }

        var now = timeProvider.GetUtcNow();
        ExecutionStatus? terminal = options.TerminalEventTypes.TryGetValue(sse.EventType, out var status) ? status : null;
        IsComplete = terminal is not null;
        if (id.Length == 0)
        {
            return ExecutionEvent.FromStream(executionId, null, null, sse.EventType, data, terminal, now);
        }

        if (sequence > LastSequence + 1)
        {
            gap = ExecutionEvent.Gap(executionId, LastSequence + 1, sequence - 1, now);
        }

        LastSequence = sequence;
        LastEventId = id;
        return ExecutionEvent.FromStream(executionId, id, sequence, sse.EventType, data, terminal, now);
    }

    /// <summary>
    /// Ends the watch from a terminal snapshot: a gap for the ids before the snapshot's last event that were
    /// never yielded (if any), then the terminal event built from the snapshot.
    /// </summary>
    /// <remarks>
    /// A terminal snapshot's last event is the log's terminal event (CONTRACT §1–2: exactly one terminal event
    /// ends every log), and the event built from the snapshot stands for it; so the gap ends one id before.
    /// </remarks>
    public IEnumerable<ExecutionEvent> FinishFromSnapshot(ExecutionSnapshot snapshot)
    {
        var now = timeProvider.GetUtcNow();
        var last = SnapshotLastSequence(snapshot);
        if (last - 1 > LastSequence)
        {
            yield return ExecutionEvent.Gap(executionId, LastSequence + 1, last - 1, now);
        }

        // The built event carries the id of the event it stands for, so a consumer that stores the last id needs no
        // special case; when that id was yielded already (a server whose snapshot lags its own stream), it has none.
        var standsFor = last > LastSequence;
        LastSequence = Math.Max(LastSequence, last);
        if (standsFor)
        {
            LastEventId = snapshot.LastEventId;
        }

        IsComplete = true;
        yield return ExecutionEvent.FromSnapshot(executionId, standsFor ? snapshot.LastEventId : null, standsFor ? last : null,
            TerminalTypeOf(snapshot.Status), SnapshotParser.BuildTerminalData(snapshot, now), snapshot.Status, now);
    }

    /// <summary>
    /// The gap before a terminal event whose id is <paramref name="terminalSequence"/> (known from the snapshot when the
    /// stream sent the terminal event without an id): the ids after the last yielded one and before it, if any.
    /// </summary>
    public ExecutionEvent? MissingBefore(long terminalSequence)
    {
        if (terminalSequence - 1 <= LastSequence)
        {
            return null;
        }

        var gap = ExecutionEvent.Gap(executionId, LastSequence + 1, terminalSequence - 1, timeProvider.GetUtcNow());
        LastSequence = terminalSequence - 1;
        return gap;
    }

    /// <summary>The snapshot's last event id as a sequence number; 0 when it has none.</summary>
    /// <exception cref="ExecutionProtocolException">The snapshot's <c>lastEventId</c> is not a sequence number.</exception>
    public long SnapshotLastSequence(ExecutionSnapshot snapshot)
    {
        if (snapshot.LastEventId is not { Length: > 0 } id)
        {
            return 0;
        }

        return options.ParseEventId(id)
            ?? throw new ExecutionProtocolException(executionId, $"the snapshot's lastEventId '{id}' is not a sequence number.");
    }

    /// <summary>
    /// A copy of the data, checked to be one JSON value (the event parses it when asked): the plain check's pass, or a
    /// reader's when that cannot tell; no document.
    /// Bytes that are not UTF-8 are decoded first (each invalid sequence becomes U+FFFD), as a string of the data would have them.
    /// </summary>
    /// <exception cref="JsonException">The data is not one JSON value.</exception>
    private static byte[] CheckedData(ReadOnlySpan<byte> utf8)
    {
        if (PlainJsonCheck.IsPlainValue(utf8))
        {
            return utf8.ToArray(); // plain JSON is ASCII, so UTF-8 as it is
        }

        var data = Utf8.IsValid(utf8) ? utf8.ToArray() : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8));
        var reader = new Utf8JsonReader(data);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens > 0 ? data : throw new JsonException("The data holds no JSON value.");
    }

    private string TerminalTypeOf(ExecutionStatus status)
    {
        foreach (var (type, mapped) in options.TerminalEventTypes)
        {
            if (mapped == status)
            {
                return type;
            }
        }

        return "execution." + status.ToString().ToLowerInvariant();
    }
}
