using System.Net;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.Tests.TestSupport.ScriptedHandler;

namespace ResilientSse.Tests.Executions;

/// <summary>
/// A server that never answers — not running, a wrong address — fails a watch or a subscription after the short
/// first-contact budget, saying why; a server that answers, even with 503s, keeps the long offline budget.
/// </summary>
public sealed class FirstContactBudgetTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
    private readonly TestClock _clock = new();
    private readonly ScriptedHandler _server = new();

    public FirstContactBudgetTests() => _server.Clock = _clock;

    [Fact]
    public async Task WatchAsync_ServerNeverAnswers_GivesUpAfterTheFirstContactBudgetWithTheCause()
    {
        using var refusing = new HttpClient(new RefusingHandler());
        var watcher = new ExecutionWatcher(refusing, Options(), _clock);

        var ex = await Assert.ThrowsAsync<OfflineBudgetExceededException>(() => _clock.DriveAsync(Collect(watcher.WatchAsync(Id)), Step));

        Assert.Equal(TimeSpan.FromSeconds(30), ex.Budget);
        Assert.InRange(ex.OfflineFor, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(40));
        Assert.Contains("never answered", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Connection refused", ex.Message, StringComparison.Ordinal);
        Assert.Equal(SseTransientReason.NetworkError, Assert.IsType<SseTransientException>(ex.InnerException).Reason);
    }

    [Fact]
    public async Task WatchAsync_ServerAnswers503_KeepsTheOfflineBudget()
    {
        _server.On(StreamPath, Status(HttpStatusCode.ServiceUnavailable));
        _server.On(SnapshotPath, Status(HttpStatusCode.ServiceUnavailable));
        var options = Options();
        options.OfflineBudget = TimeSpan.FromMinutes(2);

        var ex = await Assert.ThrowsAsync<OfflineBudgetExceededException>(() => _clock.DriveAsync(Collect(new ExecutionWatcher(new HttpClient(_server), options, _clock).WatchAsync(Id)), Step));

        Assert.Equal(TimeSpan.FromMinutes(2), ex.Budget); // the server is running: it answered, if only with 503
        Assert.True(ex.OfflineFor >= TimeSpan.FromMinutes(2), ex.OfflineFor.ToString());
    }

    [Fact]
    public async Task WatchAsync_FirstContactBudgetInfinite_OnlyTheOfflineBudgetEndsIt()
    {
        using var refusing = new HttpClient(new RefusingHandler());
        var options = Options();
        (options.FirstContactBudget, options.OfflineBudget) = (Timeout.InfiniteTimeSpan, TimeSpan.FromMinutes(2));

        var ex = await Assert.ThrowsAsync<OfflineBudgetExceededException>(() => _clock.DriveAsync(Collect(new ExecutionWatcher(refusing, options, _clock).WatchAsync(Id)), Step));

        Assert.Equal(TimeSpan.FromMinutes(2), ex.Budget);
    }

    [Fact]
    public async Task SubscribeAsync_ServerNeverAnswers_GivesUpAfterTheFirstContactBudgetWithTheCause()
    {
        var refusing = new RefusingHandler();
        using var http = new HttpClient(refusing);
        var client = new SseClient(http, new SseClientOptions { JitterRatio = 0 }, _clock);

        var ex = await Assert.ThrowsAsync<OfflineBudgetExceededException>(() => _clock.DriveAsync(SseClients.CollectAsync(client.SubscribeAsync(SseClients.Address)), Step));

        Assert.Equal(TimeSpan.FromSeconds(30), ex.Budget);
        Assert.InRange(ex.OfflineFor, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(62)); // no wait is cut short to fit the budget
        Assert.Contains("never answered", ex.Message, StringComparison.Ordinal);
        Assert.Equal(SseTransientReason.NetworkError, Assert.IsType<SseTransientException>(ex.InnerException).Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1000)]
    public void Options_FirstContactBudgetNotPositive_FailsValidationNamingIt(int milliseconds)
    {
        var options = Options();
        options.FirstContactBudget = TimeSpan.FromMilliseconds(milliseconds);

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new ExecutionWatcher(new HttpClient(_server), options, _clock));

        Assert.Contains("FirstContactBudget", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _server.Dispose();
        _clock.Dispose();
    }

    private static ExecutionWatcherOptions Options() => new()
    {
        BaseAddress = new Uri("http://127.0.0.1:5080/"),
        Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(4) },
    };

    private static async Task<List<ExecutionEvent>> Collect(IAsyncEnumerable<ExecutionEvent> events)
    {
        var items = new List<ExecutionEvent>();
        await foreach (var item in events)
        {
            items.Add(item);
        }

        return items;
    }
}
