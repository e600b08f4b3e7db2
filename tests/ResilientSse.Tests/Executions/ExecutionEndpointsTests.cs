using System.Net.Http.Headers;
using ResilientSse.Executions;
using ResilientSse.Executions.Internal;

namespace ResilientSse.Tests.Executions;

public class ExecutionEndpointsTests
{
    [Fact]
    public void Constructor_IdWithReservedCharacters_EscapesItAsOnePathSegment()
    {
        var endpoints = new ExecutionEndpoints(new Uri("http://127.0.0.1:5080"), new ExecutionWatcherOptions(), "a/b?c#d e");

        Assert.Equal("http://127.0.0.1:5080/workflow/executions/a%2Fb%3Fc%23d%20e/stream", endpoints.StreamUri.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5080/workflow/executions/a%2Fb%3Fc%23d%20e", endpoints.SnapshotUri.AbsoluteUri);
    }

    [Fact]
    public void Constructor_BaseWithPathAndNoTrailingSlash_KeepsThePath()
    {
        var options = new ExecutionWatcherOptions { StreamPath = "/runs/{id}/events", SnapshotPath = "runs/{id}" };

        var endpoints = new ExecutionEndpoints(new Uri("http://127.0.0.1:5080/api/v1"), options, "r1");

        Assert.Equal("http://127.0.0.1:5080/api/v1/runs/r1/events", endpoints.StreamUri.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:5080/api/v1/runs/r1", endpoints.SnapshotUri.AbsoluteUri);
    }

    [Fact]
    public void CreateStreamRequest_WithLastEventId_SendsItAndAsksForEventStream()
    {
        var endpoints = new ExecutionEndpoints(new Uri("http://127.0.0.1:5080/"), new ExecutionWatcherOptions(), "r1");

        using var request = endpoints.CreateStreamRequest("17");

        Assert.Equal("17", Assert.Single(request.Headers.GetValues("Last-Event-ID")));
        Assert.Contains(request.Headers.Accept, a => a.MediaType == "text/event-stream");
    }

    [Fact]
    public void CreateStreamRequest_FirstConnection_SendsNoLastEventId()
    {
        var endpoints = new ExecutionEndpoints(new Uri("http://127.0.0.1:5080/"), new ExecutionWatcherOptions(), "r1");

        using var request = endpoints.CreateStreamRequest(null);

        Assert.False(request.Headers.Contains("Last-Event-ID"));
    }

    [Fact]
    public void CreateStreamRequest_Always_SendsTheLiveStreamHeaders()
    {
        var endpoints = new ExecutionEndpoints(new Uri("http://127.0.0.1:5080/"), new ExecutionWatcherOptions(), "r1");

        using var request = endpoints.CreateStreamRequest("17");

        Assert.Equal("text/event-stream", Assert.Single(request.Headers.NonValidated["Accept"]));
        Assert.Equal("no-cache", Assert.Single(request.Headers.NonValidated["Cache-Control"]));
        Assert.True(request.Headers.CacheControl!.NoCache);
    }

    [Fact]
    public void CreateStreamRequest_Always_AllocatesLessThanWithParsedHeaderObjects()
    {
        // The request lives as long as its connection: what it allocates, an idle watch keeps.
        var endpoints = new ExecutionEndpoints(new Uri("http://127.0.0.1:5080/"), new ExecutionWatcherOptions(), "r1");
        var accept = new MediaTypeWithQualityHeaderValue("text/event-stream");
        endpoints.CreateStreamRequest("17").Dispose();
        WithParsedHeaders().Dispose();

        var ours = AllocatedBy(() => endpoints.CreateStreamRequest("17"));
        var parsed = AllocatedBy(WithParsedHeaders);

        Assert.True(ours + 64 <= parsed, $"{ours} B with the headers as text, {parsed} B with parsed header objects");

        HttpRequestMessage WithParsedHeaders()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, endpoints.StreamUri);
            request.Headers.Accept.Add(accept);
            request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
            request.Headers.TryAddWithoutValidation("Last-Event-ID", "17");
            return request;
        }
    }

    [Fact]
    public void Constructor_SnapshotNotRead_BuildsOnlyTheStreamAddress()
    {
        var options = new ExecutionWatcherOptions();
        var root = new Uri("http://127.0.0.1:5080/");
        _ = new ExecutionEndpoints(root, options, "wf_exec_01JWARMUP").StreamUri;
        _ = new Uri(root, "workflow/executions/wf_exec_01JWARMUP/stream");

        var endpoints = AllocatedBy(() => new ExecutionEndpoints(root, options, "wf_exec_01JABCDEFGHJKMNPQRSTVWXYZ"));
        var streamAddress = AllocatedBy(() => new Uri(root, "workflow/executions/wf_exec_01JABCDEFGHJKMNPQRSTVWXYZ/stream"));

        // The stream's address, its expanded path and the endpoints object: less than two addresses.
        Assert.True(endpoints < 2 * streamAddress, $"{endpoints} B for the endpoints, {streamAddress} B for one address");
    }

    private static long AllocatedBy(Func<object> create)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var created = create();
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(created);
        (created as IDisposable)?.Dispose();
        return bytes;
    }
}
