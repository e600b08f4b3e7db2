using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using ResilientSse.Executions;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Reference servers on one Redis: in-process hosts, or real processes to kill.</summary>
internal static partial class RedisNodes
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

    /// <summary>Starts a node as a process of its own (dotnet ResilientSse.ReferenceServer.dll); returns it and its address.</summary>
    public static async Task<(Process Process, Uri BaseAddress)> StartProcessAsync(RedisServer redis, string prefix, TimeSpan leaseTime, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ResilientSse.ReferenceServer.dll"));
        foreach (var arg in new[] { "--urls", "http://127.0.0.1:0", "--store", "redis", "--redis", redis.Address, "--redis-prefix", prefix, "--lease", $"{(int)leaseTime.TotalMilliseconds}ms", "--retry-ms", "50" })
        {
            start.ArgumentList.Add(arg);
        }

        var lines = Channel.CreateUnbounded<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Writer.TryWrite(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Writer.TryWrite(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (true)
        {
            var line = await lines.Reader.ReadAsync(cancellationToken);
            if (Listening().Match(line) is { Success: true } match)
            {
                return (process, new Uri(match.Groups[1].Value));
            }
        }
    }

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

    /// <summary>Watches <paramref name="id"/> through <paramref name="baseAddress"/> with the library's watcher, to its end.</summary>
    public static async Task<List<ExecutionEvent>> WatchAsync(Uri baseAddress, string id, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions
        {
            BaseAddress = baseAddress,
            PollInterval = TimeSpan.FromMilliseconds(100),
            OfflineBudget = TimeSpan.FromSeconds(60),
            Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(200), IdleTimeout = TimeSpan.FromSeconds(30) },
        });
        var events = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync(id, cancellationToken))
        {
            events.Add(item);
        }

        return events;
    }

    [GeneratedRegex(@"listening on (http://\S+/)")]
    private static partial Regex Listening();
}
