using System.Net;
using ResilientSse.Executions;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.Tests.TestSupport.ScriptedHandler;

namespace ResilientSse.Tests.Executions;

/// <summary>
/// Events the stream already delivered cost no awaiting: the watch's <c>MoveNextAsync</c> completes synchronously
/// while they last, and only then waits for the network (the console watcher writes its output out exactly then).
/// </summary>
public sealed class ExecutionWatcherSynchronousCompletionTests : IDisposable
{
    private readonly ScriptedHandler _server = new();
    private readonly TestClock _clock = new();

    public ExecutionWatcherSynchronousCompletionTests() => _server.Clock = _clock;

    [Fact]
    public async Task MoveNextAsync_EventsAlreadyReceived_CompletesSynchronouslyUntilTheyRunOut()
    {
        var body = new ControlledStream();
        _server.On(StreamPath, _ => Open(body));
        _server.On(SnapshotPath, Json(Snapshot("running", 3)));
        var watcher = new ExecutionWatcher(new HttpClient(_server), new ExecutionWatcherOptions { BaseAddress = new Uri("http://127.0.0.1:5080/") }, _clock);
        await using var watch = watcher.WatchAsync(Id).GetAsyncEnumerator();

        body.Send(Events(1, 3));
        Assert.True(await _clock.DriveAsync(watch.MoveNextAsync().AsTask(), TimeSpan.FromMilliseconds(10)));

        var second = watch.MoveNextAsync();
        Assert.True(second.IsCompletedSuccessfully, "event 2 was received with event 1, yet MoveNextAsync did not complete at once");
        Assert.True(await second);
        var third = watch.MoveNextAsync();
        Assert.True(third.IsCompletedSuccessfully);
        Assert.True(await third);
        Assert.Equal(3, watch.Current.Sequence);

        var fourth = watch.MoveNextAsync();
        Assert.False(fourth.IsCompleted, "nothing more was received, yet MoveNextAsync completed");
        body.Send(Events(4, 4).Replace("retry: 1000\n\n", string.Empty, StringComparison.Ordinal));
        Assert.True(await _clock.DriveAsync(fourth.AsTask(), TimeSpan.FromMilliseconds(10)));
        Assert.Equal(4, watch.Current.Sequence);
    }

    public void Dispose()
    {
        _server.Dispose();
        _clock.Dispose();
    }

    private static HttpResponseMessage Open(Stream body)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }
}
