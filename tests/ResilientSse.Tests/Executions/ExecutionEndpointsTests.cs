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
}
