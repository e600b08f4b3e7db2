namespace ResilientSse.Tests.TestSupport;

/// <summary>A server that cannot be reached: every request fails as a refused connection does.</summary>
internal sealed class RefusingHandler : HttpMessageHandler
{
    public int Requests { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        return Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:5080)"));
    }
}
