using StackExchange.Redis;

namespace ResilientSse.ReferenceServer.Redis;

/// <summary>
/// Where the Redis store keeps things, every key under one prefix: an execution's hash, its log (a stream whose entry
/// ids are <c>n-0</c> for the contract's event id n), its lease; one sorted set of all executions (newest has the
/// highest score), one set of the unfinished ones, and the counter that orders them.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public RedisKey Index { get; } = prefix + "executions";

    public RedisKey Unfinished { get; } = prefix + "unfinished";

    public RedisKey Sequence { get; } = prefix + "sequence";

    /// <summary>The channel each ended execution's id is published on, as its terminal event is appended.</summary>
    public RedisKey Ended { get; } = prefix + "ended";

    public RedisKey Execution(string id) => prefix + "execution:" + id;

    public RedisKey Log(string id) => prefix + "log:" + id;

    public RedisKey Lease(string id) => prefix + "lease:" + id;

    /// <summary>A node's own stream, written to wake its blocked reader when the set of followed logs changes.</summary>
    public RedisKey Wake(string nodeId) => prefix + "wake:" + nodeId;

    /// <summary>The execution id of a log key, or null when the key is not a log.</summary>
    public string? ExecutionOfLog(string key) => key.StartsWith(prefix + "log:", StringComparison.Ordinal) ? key[(prefix.Length + 4)..] : null;
}
