using System.Net.ServerSentEvents;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;
using static ResilientSse.Tests.TestSupport.ScriptedHandler;

namespace ResilientSse.Tests.DependencyInjection;

/// <summary>Scripted servers behind registered clients, and bounded runs of what the container resolves.</summary>
internal static class Registrations
{
    public static readonly Uri BaseAddress = new("http://127.0.0.1:5080");

    /// <summary>A server whose execution completes in its first stream, and whose snapshot says so.</summary>
    public static ScriptedHandler CompletedExecution() =>
        new ScriptedHandler().On(StreamPath, Sse(Events(1, 8))).On(SnapshotPath, Json(Snapshot("completed", 8)));

    /// <summary>A server that streams two events at <c>/stream</c>, then answers 204.</summary>
    public static ScriptedHandler TwoEvents() =>
        new ScriptedHandler().On("/stream", Sse("id: 1\ndata: a\n\nid: 2\ndata: b\n\n"), Status(System.Net.HttpStatusCode.NoContent));

    /// <summary>Sends the client's requests to <paramref name="server"/> instead of the network.</summary>
    public static IHttpClientBuilder Serve(this IHttpClientBuilder builder, HttpMessageHandler server) =>
        builder.ConfigurePrimaryHttpMessageHandler(() => server);

    public static async Task<List<ExecutionEvent>> WatchToEndAsync(IExecutionWatcher watcher)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var items = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync(Id, timeout.Token))
        {
            items.Add(item);
        }

        return items;
    }

    public static async Task<List<SseItem<string>>> FirstEventAsync(SseClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var items = new List<SseItem<string>>();
        await foreach (var item in client.SubscribeAsync(new Uri(BaseAddress, "/stream"), cancellationToken: timeout.Token))
        {
            items.Add(item);
            break;
        }

        return items;
    }
}
