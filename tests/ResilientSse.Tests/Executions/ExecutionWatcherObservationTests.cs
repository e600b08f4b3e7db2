using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.Tests.TestSupport.ScriptedHandler;

namespace ResilientSse.Tests.Executions;

/// <summary>How a consumer observes a watch and reads its items: one notice callback, typed causes, typed data.</summary>
public sealed class ExecutionWatcherObservationTests : IDisposable
{
    private readonly ScriptedHandler _server = new();
    private readonly TestClock _clock = new();

    public ExecutionWatcherObservationTests() => _server.Clock = _clock;

    [Fact]
    public async Task WatchAsync_StreamAnswered503WithRetryAfter_ReconnectingNoticeCarriesStatusAndRetryAfter()
    {
        var notices = new List<ExecutionWatchNotice>();
        var options = Options();
        options.OnNotice = notices.Add;
        _server.On(StreamPath, Sse(Events(1, 3)), Status(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(2)), Sse(Events(4, 8)));
        _server.On(SnapshotPath, Json(Snapshot("running", 3)));

        await _clock.DriveAsync(CollectAsync(CreateWatcher(options).WatchAsync(Id)), TimeSpan.FromSeconds(1));

        var cause = Assert.IsType<SseTransientException>(notices.First(n => n.Kind == ExecutionWatchNoticeKind.Reconnecting && n.Cause is not null).Cause);
        Assert.Equal((SseTransientReason.HttpStatus, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(2)), (cause.Reason, cause.StatusCode, cause.RetryAfter));
        Assert.EndsWith(StreamPath, cause.RequestUri!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_OnNoticeThrows_EndsTheWatchWithThatExceptionWithoutAnotherRequest()
    {
        var options = Options();
        options.OnNotice = notice => throw new InvalidOperationException("observer failed on " + notice.Kind);
        _server.On(StreamPath, Sse(Events(1, 8)));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => CollectAsync(CreateWatcher(options).WatchAsync(Id)).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("observer failed on Connected", ex.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void Constructor_StreamOnNoticeSet_FailsValidationPointingToTheWatchersOnNotice()
    {
        var options = Options();
        options.Stream.OnNotice = _ => { };

        var ex = Assert.Throws<OptionsValidationException>(() => CreateWatcher(options));

        Assert.Contains("set ExecutionWatcherOptions.OnNotice instead", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetData_SourceGeneratedTypeInfo_ReadsTheEventsAndTheSnapshotBuiltTerminal()
    {
        _server.On(StreamPath, Sse(Events(1, 3)), Status(HttpStatusCode.NotFound));
        _server.On(SnapshotPath, Json(Snapshot("completed", 8)));

        var items = await _clock.DriveAsync(CollectAsync(CreateWatcher(Options()).WatchAsync(Id)), TimeSpan.FromSeconds(1));

        Assert.Equal(["stage-1", "stage-1"], items.Skip(1).Take(2).Select(e => e.GetData(WatchJson.Default.NodeData)!.NodeId));
        var terminal = items[^1];
        Assert.Equal((ExecutionEventSource.Snapshot, "8"), (terminal.Source, terminal.Id));
        Assert.Equal("completed", terminal.GetData(WatchJson.Default.TerminalData)!.Status);
    }

    [Fact]
    public async Task GetData_OnAGap_ThrowsSayingAGapHasNoData()
    {
        _server.On(StreamPath, Sse(Events(1, 2) + Events(5, 8)));

        var items = await _clock.DriveAsync(CollectAsync(CreateWatcher(Options()).WatchAsync(Id)), TimeSpan.FromSeconds(1));

        var gap = Assert.Single(items, e => e.Kind == ExecutionEventKind.Gap);
        var ex = Assert.Throws<InvalidOperationException>(() => gap.GetData(WatchJson.Default.NodeData));
        Assert.Contains("has no data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetData_DataOfAnotherShape_ThrowsJsonException()
    {
        _server.On(StreamPath, Sse(Events(1, 8)));

        var items = await _clock.DriveAsync(CollectAsync(CreateWatcher(Options()).WatchAsync(Id)), TimeSpan.FromSeconds(1));

        Assert.ThrowsAny<JsonException>(() => items[0].GetData(WatchJson.Default.Int32));
    }

    public void Dispose() => _server.Dispose();

    private static ExecutionWatcherOptions Options() => new()
    {
        BaseAddress = new Uri("http://127.0.0.1:5080/"),
        Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(4) },
    };

    private ExecutionWatcher CreateWatcher(ExecutionWatcherOptions options) => new(new HttpClient(_server), options, _clock);

    private static async Task<List<ExecutionEvent>> CollectAsync(IAsyncEnumerable<ExecutionEvent> events)
    {
        var items = new List<ExecutionEvent>();
        await foreach (var item in events)
        {
            items.Add(item);
        }

        return items;
    }
}

/// <summary>The data of a node event.</summary>
public sealed record NodeData(string ExecutionId, string NodeId);

/// <summary>The data of a terminal event.</summary>
public sealed record TerminalData(string ExecutionId, string Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NodeData))]
[JsonSerializable(typeof(TerminalData))]
[JsonSerializable(typeof(int))]
internal sealed partial class WatchJson : JsonSerializerContext;
