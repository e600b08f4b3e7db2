using ResilientSse.ReferenceServer.Store;
using StackExchange.Redis;

namespace ResilientSse.ReferenceServer.Redis;

/// <summary>What the relay does with a read: publishes each log's new entries, in order, and moves its position past them.</summary>
internal sealed partial class RedisEventRelay
{
    /// <summary>Handles an <c>XREAD</c> reply: null on time-out, else <c>[[key, [[entryId, [field, value, …]], …]], …]</c>.</summary>
    private void Deliver(RedisResult reply, KeyValuePair<string, Followed>[] read)
    {
        if (reply.IsNull)
        {
            return;
        }

        foreach (var stream in (RedisResult[])reply!)
        {
            var parts = (RedisResult[])stream!;
            var key = parts[0].ToString();
            var entries = (RedisResult[])parts[1]!;
            if (entries.Length == 0)
            {
                continue;
            }

            var lastEntryId = ((RedisResult[])entries[^1]!)[0].ToString();
            if (key == (string)_wake!)
            {
                _wakePosition = lastEntryId;
                continue;
            }

            if (_store.Keys.ExecutionOfLog(key) is not { } executionId)
            {
                continue;
            }

            lock (_lock)
            {
                // Only the reader moves positions; a log followed anew meanwhile has a position of its own.
                var readFrom = read.FirstOrDefault(f => f.Key == executionId).Value;
                if (!_followed.TryGetValue(executionId, out var followed) || !ReferenceEquals(followed, readFrom))
                {
                    continue;
                }

                followed.Position = lastEntryId;
            }

            foreach (var entry in entries)
            {
                _hub.Publish(executionId, ToEvent((RedisResult[])((RedisResult[])entry!)[1]!));
            }
        }
    }

    private static StoredEvent ToEvent(RedisResult[] fields)
    {
        long id = 0;
        string type = string.Empty, data = string.Empty;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            switch (fields[i].ToString())
            {
                case "id": id = (long)fields[i + 1]; break;
                case "type": type = fields[i + 1].ToString(); break;
                case "data": data = fields[i + 1].ToString(); break;
            }
        }

        return new StoredEvent(id, type, data);
    }

    private void Unfollow(string executionId, Followed followed)
    {
        lock (_lock)
        {
            if (--followed.Count == 0 && _followed.TryGetValue(executionId, out var current) && ReferenceEquals(current, followed))
            {
                _followed.Remove(executionId);
            }
        }
    }

    /// <summary>One follower's hold on a log; disposing it twice lets go once.</summary>
    private sealed class Handle(RedisEventRelay relay, string executionId, Followed followed) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                relay.Unfollow(executionId, followed);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the followed logs from Redis failed ({Reason}); reading again.")]
        public static partial void ReadFailed(ILogger logger, string reason);
    }
}
