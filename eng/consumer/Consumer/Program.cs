// Uses the packed ResilientSse as an application would: registers the watcher and an SSE client, starts
// a run of the reference server's "quick" workflow and watches it to the end, then reads its stream again
// through the generic client with a typed payload. Exits 0 only when the watch ended with a terminal
// event after ids 1..n, each once, and the stream read again gave the same ids.
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.Executions;
using ResilientSse.Streaming;

if (args.Length != 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var server))
{
    Console.Error.WriteLine("usage: Consumer <reference server base URL>");
    return 2;
}

var services = new ServiceCollection();
services.AddExecutionWatcher(o => o.BaseAddress = server);
services.AddSseClient(_ => { }).ConfigureHttpClient(client => client.BaseAddress = server);
await using var provider = services.BuildServiceProvider();
var watcher = provider.GetRequiredService<IExecutionWatcher>();

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
using var http = new HttpClient { BaseAddress = server };
using var body = new StringContent("""{"workflowId":"quick"}""", Encoding.UTF8, "application/json");
using var started = await http.PostAsync(new Uri("workflow/executions", UriKind.Relative), body, timeout.Token);
started.EnsureSuccessStatusCode();
using var snapshot = JsonDocument.Parse(await started.Content.ReadAsStringAsync(timeout.Token));
var executionId = snapshot.RootElement.GetProperty("id").GetString()!;

var ids = new List<long>();
ExecutionEvent? last = null;
await foreach (var e in watcher.WatchAsync(executionId, timeout.Token))
{
    Console.WriteLine($"{e.Id} {e.Type} {e.Source}{(e.IsTerminal ? " " + e.Status : "")}");
    if (e.Kind == ExecutionEventKind.Gap)
    {
        Console.Error.WriteLine($"gap: events {e.MissingFrom}..{e.MissingTo} could not be obtained");
        return 1;
    }

    if (e.Sequence is { } sequence)
    {
        ids.Add(sequence);
    }

    last = e;
}

var inOrder = ids.Count > 0 && ids.Select((id, index) => id == index + 1).All(ok => ok);
if (last is not { IsTerminal: true } || !inOrder)
{
    Console.Error.WriteLine($"the watch of {executionId} did not end terminal with ids 1..n once each: ids [{string.Join(",", ids)}], last {last?.Type ?? "none"}");
    return 1;
}

// The same log through the generic layer: BCL items, the payload read from the UTF-8 bytes.
var client = provider.GetRequiredService<SseClient>();
var streamed = new List<long>();
var subscription = client.SubscribeAsync(new Uri($"workflow/executions/{executionId}/stream", UriKind.Relative),
    (_, data) => JsonSerializer.Deserialize(data, ConsumerJson.Default.EventData), cancellationToken: timeout.Token);
await foreach (SseItem<EventData?> item in subscription)
{
    if (item.Data?.ExecutionId != executionId)
    {
        Console.Error.WriteLine($"event {item.EventId} of the stream names execution {item.Data?.ExecutionId}");
        return 1;
    }

    streamed.Add(long.Parse(subscription.LastEventId, System.Globalization.CultureInfo.InvariantCulture));
}

if (!streamed.SequenceEqual(ids))
{
    Console.Error.WriteLine($"the stream read again gave ids [{string.Join(",", streamed)}], the watch [{string.Join(",", ids)}]");
    return 1;
}

Console.WriteLine($"{executionId}: {ids.Count} events, ended {last.Status}; the stream read again agrees");
return 0;

/// <summary>The fields every event of the contract carries.</summary>
internal sealed record EventData(string ExecutionId, DateTimeOffset Timestamp);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EventData))]
internal sealed partial class ConsumerJson : JsonSerializerContext;
