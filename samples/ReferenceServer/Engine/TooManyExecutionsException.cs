namespace ResilientSse.ReferenceServer.Engine;

/// <summary>As many executions as allowed are running: answered 429 with <c>Retry-After</c>.</summary>
internal sealed class TooManyExecutionsException(int limit, int retryAfterSeconds)
    : Exception($"{limit} executions are running, the most this server allows (--max-live); retry after {retryAfterSeconds} s, or wait for one to end.")
{
    public int Limit { get; } = limit;

    /// <summary>Gets the <c>Retry-After</c> the 429 carries, in seconds.</summary>
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
