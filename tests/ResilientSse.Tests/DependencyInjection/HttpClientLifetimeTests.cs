using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;

namespace ResilientSse.Tests.DependencyInjection;

/// <summary>
/// A registered watcher or SSE client is a singleton, yet never holds one <see cref="HttpClient"/> forever: it takes
/// a client from <see cref="IHttpClientFactory"/> per watch, per snapshot read and per subscription.
/// </summary>
public class HttpClientLifetimeTests
{
    [Fact]
    public async Task WatchAsync_TwoWatchesOfARegisteredWatcher_TakeTwoClients()
    {
        var created = 0;
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress)
            .Serve(Registrations.CompletedExecution())
            .ConfigureHttpClient(_ => Interlocked.Increment(ref created));
        await using var provider = services.BuildServiceProvider();
        var watcher = provider.GetRequiredKeyedService<IExecutionWatcher>("billing");
        var before = created;

        await Registrations.WatchToEndAsync(watcher);
        await Registrations.WatchToEndAsync(watcher);

        Assert.Equal(0, before);
        Assert.Equal(2, created);
    }

    [Fact]
    public async Task WatchAsync_OneWatch_UsesOneClientForItsStreamAndSnapshotRequests()
    {
        // The first stream ends before the terminal event, so the watch reads the snapshot and reconnects: one client.
        var server = new ScriptedHandler()
            .On(StreamPath, ScriptedHandler.Sse(Events(1, 4)), ScriptedHandler.Sse(Events(5, 8)))
            .On(SnapshotPath, ScriptedHandler.Json(Snapshot("running", 4)));
        var created = 0;
        var services = new ServiceCollection();
        services.AddExecutionWatcher(o => o.BaseAddress = Registrations.BaseAddress)
            .Serve(server)
            .ConfigureHttpClient(_ => Interlocked.Increment(ref created));
        await using var provider = services.BuildServiceProvider();

        var items = await Registrations.WatchToEndAsync(provider.GetRequiredService<IExecutionWatcher>());

        Assert.True(items[^1].IsTerminal);
        Assert.Equal(2, server.RequestsTo(StreamPath).Count);
        Assert.Equal(1, created);
    }

    [Fact]
    public async Task GetSnapshotAsync_RegisteredWatcher_TakesAClientPerCall()
    {
        var created = 0;
        var services = new ServiceCollection();
        services.AddExecutionWatcher(o => o.BaseAddress = Registrations.BaseAddress)
            .Serve(Registrations.CompletedExecution())
            .ConfigureHttpClient(_ => Interlocked.Increment(ref created));
        await using var provider = services.BuildServiceProvider();
        var watcher = provider.GetRequiredService<IExecutionWatcher>();

        await watcher.GetSnapshotAsync(Id);
        var snapshot = await watcher.GetSnapshotAsync(Id);

        Assert.Equal(ExecutionStatus.Completed, snapshot.Status);
        Assert.Equal(2, created);
    }

    [Fact]
    public async Task SubscribeAsync_TwoSubscriptionsOfARegisteredClient_TakeTwoClients()
    {
        var created = 0;
        var services = new ServiceCollection();
        services.AddSseClient("prices", _ => { })
            .Serve(Registrations.TwoEvents())
            .ConfigureHttpClient(_ => Interlocked.Increment(ref created));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredKeyedService<SseClient>("prices");

        await Registrations.FirstEventAsync(client);
        await Registrations.FirstEventAsync(client);

        Assert.Equal(2, created);
    }

    [Fact]
    public async Task WatchAsync_HandlerLifetimeElapsed_NextWatchGoesThroughANewHandler()
    {
        // The factory's rotation runs on a real timer whose shortest lifetime is one second: the one wait in real time here.
        var handlers = 0;
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(() =>
            {
                Interlocked.Increment(ref handlers);
                return Registrations.CompletedExecution();
            })
            .SetHandlerLifetime(TimeSpan.FromSeconds(1));
        await using var provider = services.BuildServiceProvider();
        var watcher = provider.GetRequiredKeyedService<IExecutionWatcher>("billing");
        await Registrations.WatchToEndAsync(watcher);
        var first = handlers;

        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref handlers) == first && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            await Registrations.WatchToEndAsync(watcher);
        }

        Assert.Equal(1, first);
        Assert.Equal(2, handlers);
    }
}
