using System.Net.ServerSentEvents;
using ResilientSse.Executions;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;
using ResilientSse.Testing;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Reference servers on one Redis, in-process (<see cref="RedisNodeProcess"/> starts them as processes), and what tests do with them.</summary>
internal static class RedisNodes
{
    /// <summary>Starts an in-process node on <paramref name="redis"/> sharing the executions of <paramref name="prefix"/>.</summary>
    public static Task<ReferenceServerHost> StartAsync(RedisServer redis, string prefix, TimeSpan? leaseTime = null) =>
        ReferenceServers.StartAsync(o =>
        {
            o.Store = ReferenceStoreKind.Redis;
            o.Redis = redis.Address;
            o.RedisKeyPrefix = prefix;
            o.LeaseTime = leaseTime ?? TimeSpan.FromSeconds(10);
        });

    /// <summary>Reads a stream to its end: each event's id and type, in order.</summary>
    public static async Task<List<(long Id, string Type)>> ReadStreamAsync(HttpClient http, string id, long? lastEventId, int? stopAfter, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"workflow/executions/{id}/stream");
        if (lastEventId is { } after)
        {
            request.Headers.Add("Last-Event-ID", after.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var events = new List<(long, string)>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync(cancellationToken)).EnumerateAsync(cancellationToken))
        {
            events.Add((long.Parse(item.EventId!, System.Globalization.CultureInfo.InvariantCulture), item.EventType));
            if (events.Count == stopAfter)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>
    /// Watches <paramref name="id"/> through <paramref name="baseAddress"/> with the library's watcher, to its end;
    /// <paramref name="seen"/> hears of each event as it comes. With a <paramref name="client"/> name every request
    /// names it to a <see cref="RoundRobinBalancer"/> on a connection of its own, so that each one is routed anew.
    /// </summary>
    public static async Task<List<ExecutionEvent>> WatchAsync(
        Uri baseAddress, string id, CancellationToken cancellationToken, string? client = null, Action<ExecutionEvent>? seen = null)
    {
        using var http = new HttpClient(client is null ? new SocketsHttpHandler() : RoundRobinBalancer.Naming(client)) { BaseAddress = baseAddress };
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = baseAddress,
            PollInterval = TimeSpan.FromMilliseconds(200),
            OfflineBudget = TimeSpan.FromSeconds(60),
            Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(500), IdleTimeout = TimeSpan.FromSeconds(30) },
        });
        var events = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync(id, cancellationToken))
        {
            events.Add(item);
            seen?.Invoke(item);
        }

        return events;
    }
}
