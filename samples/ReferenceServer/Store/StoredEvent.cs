using System.Globalization;
using System.Text;

namespace ResilientSse.ReferenceServer.Store;

/// <summary>One event of an execution's log: its id (1, 2, … with no gap), type, and one line of JSON data.</summary>
internal sealed record StoredEvent(long Id, string Type, string Data)
{
    public bool IsTerminal => Type is "workflow.completed" or "workflow.failed" or "workflow.cancelled";

    /// <summary>
    /// Gets the event as it goes on the wire (<c>id:</c>, <c>event:</c>, <c>data:</c>, blank line), encoded once when
    /// the event is made: every stream that delivers this instance writes the same bytes.
    /// </summary>
    public ReadOnlyMemory<byte> Frame { get; } = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"id: {Id}\nevent: {Type}\ndata: {Data}\n\n"));

    /// <summary>Two events are equal when their id, type and data are (the frame follows from them).</summary>
    public bool Equals(StoredEvent? other) =>
        other is not null && Id == other.Id && string.Equals(Type, other.Type, StringComparison.Ordinal) && string.Equals(Data, other.Data, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Id, Type, Data);
}
