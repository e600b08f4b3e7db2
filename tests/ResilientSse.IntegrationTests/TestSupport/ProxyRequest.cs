namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Which endpoint of the execution API a request is for.</summary>
internal enum ProxyEndpoint
{
    Other,
    Snapshot,
    Stream,
}

/// <summary>One request as the proxy read it. <see cref="Index"/> counts the requests of the same execution and endpoint, from 0.</summary>
internal sealed record ProxyRequest(int Connection, string Method, string Target, string? LastEventId, ProxyEndpoint Endpoint, string? ExecutionId, int Index);
