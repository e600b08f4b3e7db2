namespace ResilientSse.ReferenceServer.Engine;

/// <summary>The server is stopping and starts or changes nothing more: answered 503 with <c>Retry-After</c>.</summary>
internal sealed class ServerStoppingException()
    : Exception("The server is stopping and accepts no new executions or cancellations; retry after 1 s (a restarted server, or another one on this database, will answer).")
{
    /// <summary>The <c>Retry-After</c> the 503 carries, in seconds.</summary>
    public const int RetryAfterSeconds = 1;
}
