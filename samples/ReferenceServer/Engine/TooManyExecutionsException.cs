namespace ResilientSse.ReferenceServer.Engine;

/// <summary>As many executions as allowed are running: answered 429.</summary>
internal sealed class TooManyExecutionsException(int limit)
    : Exception($"{limit} executions are running, the most this server allows (--max-live); wait for one to end.")
{
    public int Limit { get; } = limit;
}
