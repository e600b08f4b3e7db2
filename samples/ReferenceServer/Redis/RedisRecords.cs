using System.Globalization;
using ResilientSse.ReferenceServer.Store;
using StackExchange.Redis;

namespace ResilientSse.ReferenceServer.Redis;

/// <summary>An execution record as a Redis hash, and a log entry as a stream entry; a field that is null is absent.</summary>
internal static class RedisRecords
{
    /// <summary>The record's fields as field/value pairs (present ones only), and the optional fields it lacks.</summary>
    public static (List<RedisValue> Pairs, List<RedisValue> Absent) ToFields(ExecutionRecord record)
    {
        var pairs = new List<RedisValue>
        {
            "workflow", record.WorkflowId,
            "status", record.Status,
            "started", record.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            "last", record.LastEventId,
        };
        var values = new (string Name, RedisValue? Value)[]
        {
            ("completed", record.CompletedAt?.ToString("O", CultureInfo.InvariantCulture)),
            ("time", record.ExecutionTime is { } time ? time : null),
            ("output", record.OutputJson),
            ("error", record.Error),
        };
        var absent = new List<RedisValue>();
        foreach (var (name, value) in values)
        {
            if (value is { IsNull: false } present)
            {
                pairs.Add(name);
                pairs.Add(present);
            }
            else
            {
                absent.Add(name);
            }
        }

        return (pairs, absent);
    }

    /// <summary>The record of hash <paramref name="fields"/>, or null when the hash is empty (no such execution).</summary>
    public static ExecutionRecord? FromFields(string id, HashEntry[] fields)
    {
        if (fields.Length == 0)
        {
            return null;
        }

        var map = fields.ToDictionary(f => f.Name.ToString(), f => f.Value, StringComparer.Ordinal);
        string? Text(string name) => map.TryGetValue(name, out var value) && !value.IsNull ? value.ToString() : null;
        DateTimeOffset? Time(string name) => Text(name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;
        return new ExecutionRecord(
            id,
            Text("workflow")!,
            Text("status")!,
            Time("started")!.Value,
            Time("completed"),
            Text("time") is { } time ? long.Parse(time, CultureInfo.InvariantCulture) : null,
            long.Parse(Text("last")!, CultureInfo.InvariantCulture),
            Text("output"),
            Text("error"));
    }

    /// <summary>The order the index keeps, oldest first: the <c>seq</c> field set at creation.</summary>
    public static long Sequence(HashEntry[] fields) =>
        fields.FirstOrDefault(f => f.Name == "seq").Value is { IsNull: false } value ? (long)value : 0;

    /// <summary>The stored event of a log entry.</summary>
    public static StoredEvent ToEvent(StreamEntry entry) =>
        new((long)entry["id"], entry["type"].ToString(), entry["data"].ToString());

    /// <summary>The stream entry id that holds event <paramref name="eventId"/>.</summary>
    public static RedisValue EntryId(long eventId) => eventId.ToString(CultureInfo.InvariantCulture) + "-0";
}
