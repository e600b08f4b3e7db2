using System.Diagnostics;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>The consumer's code runs outside the library's activities, and after the loop <see cref="Activity.Current"/> is what it was.</summary>
public sealed class SseClientActivityTests : IDisposable
{
    private readonly ActivitySource _consumer = new("ResilientSse.Tests.Consumer");
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name is "ResilientSse" or "ResilientSse.Tests.Consumer",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
    };

    public SseClientActivityTests() => ActivitySource.AddActivityListener(_listener);

    [Fact]
    public async Task SubscribeAsync_ConsumersLoopBody_RunsUnderTheConsumersOwnActivity()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: a\n\nid: 2\ndata: b\n\n").ThenStream("id: 3\ndata: c\n\n").ThenNoContent();
        using var http = new HttpClient(server);
        var client = new SseClient(http, SseClients.Immediate());
        using var mine = _consumer.StartActivity("consumer")!;
        var seen = new List<Activity?>();

        await foreach (var item in client.SubscribeAsync(SseClients.Address))
        {
            seen.Add(Activity.Current);
        }

        Assert.Equal(3, seen.Count);
        Assert.All(seen, current => Assert.Same(mine, current));
        Assert.Same(mine, Activity.Current);
    }

    [Fact]
    public async Task SubscribeAsync_AfterABreak_TheConsumersActivityIsCurrentAgain()
    {
        using var server = new SseTestServer().ThenStream("id: 1\ndata: a\n\nid: 2\ndata: b\n\n");
        using var http = new HttpClient(server);
        var client = new SseClient(http, SseClients.Immediate());
        using var mine = _consumer.StartActivity("consumer")!;

        await foreach (var item in client.SubscribeAsync(SseClients.Address))
        {
            break;
        }

        Assert.Same(mine, Activity.Current);
        Assert.False(Activity.Current!.IsStopped);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _consumer.Dispose();
    }
}
