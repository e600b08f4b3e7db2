namespace ResilientSse.ReferenceServer.Redis;

/// <summary>
/// The store's writes, each one Lua script so that Redis runs it whole with nothing in between. Every check comes before
/// the first write: a script that fails keeps what it wrote, so none may fail after writing.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// KEYS: execution, log, index, unfinished, sequence, lease. ARGV: id, event id, type, data, lease owner ('' for
    /// none), lease milliseconds, '1' when unfinished, then the record's field/value pairs.
    /// Returns 1, or 0 when the execution or its log exists already — unless it is this very write, sent again after a
    /// connection was lost before its reply (the same first entry): then 1, changing nothing.
    /// </summary>
    public const string Create = """
        if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then
            local first = redis.call('XRANGE', KEYS[2], '1-0', '1-0')
            if first[1] and first[1][2][6] == ARGV[4] and redis.call('HGET', KEYS[1], 'workflow') ~= false then return 1 end
            return 0
        end
        local seq = redis.call('INCR', KEYS[5])
        redis.call('HSET', KEYS[1], 'seq', seq, unpack(ARGV, 8))
        redis.call('XADD', KEYS[2], ARGV[2] .. '-0', 'id', ARGV[2], 'type', ARGV[3], 'data', ARGV[4])
        redis.call('ZADD', KEYS[3], seq, ARGV[1])
        if ARGV[7] == '1' then redis.call('SADD', KEYS[4], ARGV[1]) end
        if ARGV[5] ~= '' then redis.call('SET', KEYS[6], ARGV[5], 'PX', ARGV[6]) end
        return 1
        """;

    /// <summary>
    /// KEYS: execution, log, unfinished, lease, the ended channel (published the id when the event ends the execution).
    /// ARGV: id, event id, type, data, '1' when the event ends the execution,
    /// n, n fields to delete, then the field/value pairs to set. Returns 1; -1 unknown execution; -2 it has ended;
    /// -3 the event id is not the next one. The same append sent again after a connection was lost before its reply
    /// (the log's last entry is this event) returns 1, changing nothing.
    /// </summary>
    public const string Append = """
        local last = redis.call('HGET', KEYS[1], 'last')
        if not last then return -1 end
        if tonumber(ARGV[2]) == tonumber(last) then
            local entry = redis.call('XRANGE', KEYS[2], ARGV[2] .. '-0', ARGV[2] .. '-0')
            if entry[1] and entry[1][2][4] == ARGV[3] and entry[1][2][6] == ARGV[4] then return 1 end
        end
        local status = redis.call('HGET', KEYS[1], 'status')
        if status == 'completed' or status == 'failed' or status == 'cancelled' then return -2 end
        if tonumber(ARGV[2]) ~= tonumber(last) + 1 then return -3 end
        redis.call('XADD', KEYS[2], ARGV[2] .. '-0', 'id', ARGV[2], 'type', ARGV[3], 'data', ARGV[4])
        local n = tonumber(ARGV[6])
        if n > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, 7, 6 + n)) end
        redis.call('HSET', KEYS[1], unpack(ARGV, 7 + n))
        if ARGV[5] == '1' then
            redis.call('SREM', KEYS[3], ARGV[1])
            redis.call('DEL', KEYS[4])
            redis.call('PUBLISH', KEYS[5], ARGV[1])
        end
        return 1
        """;

    /// <summary>
    /// KEYS: the leases to renew. ARGV: owner, milliseconds. Extends each lease the owner still holds; returns, in
    /// order, 1 for a lease renewed and 0 for one the owner no longer holds (expired, taken, or the execution ended).
    /// </summary>
    public const string Renew = """
        local held = {}
        for i, key in ipairs(KEYS) do
            if redis.call('GET', key) == ARGV[1] then
                redis.call('PEXPIRE', key, ARGV[2])
                held[i] = 1
            else
                held[i] = 0
            end
        end
        return held
        """;

    /// <summary>KEYS: leases. ARGV: owner. Deletes each lease the owner holds, leaving others' alone.</summary>
    public const string Release = """
        for _, key in ipairs(KEYS) do
            if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
        end
        return 0
        """;
}
