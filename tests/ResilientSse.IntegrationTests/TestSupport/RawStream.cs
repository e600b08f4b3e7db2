using System.Net;
using System.Net.ServerSentEvents;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Reads a reference server stream with nothing but HttpClient and SseParser: what an independent client sees.</summary>
internal static class RawStream
{
    public sealed record Item(string Id, string Type, string Data);

    public sealed record Result(HttpStatusCode Status, string? MediaType, IReadOnlyList<Item> Items, TimeSpan? Retry, bool EndedCleanly);

    /// <summary>Reads the whole response (bounded by 30 s), noting whether it ended cleanly or was cut.</summary>
    public static async Task<Result> ReadAsync(HttpClient http, string path, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var items = new List<Item>();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new Result(response.StatusCode, response.Content.Headers.ContentType?.MediaType, items, null, true);
        }

        var parser = SseParser.Create(await response.Content.ReadAsStreamAsync(timeout.Token));
        var clean = true;
        try
        {
            await foreach (var item in parser.EnumerateAsync(timeout.Token))
            {
                items.Add(new Item(parser.LastEventId, item.EventType, item.Data));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            clean = false;
        }

        return new Result(response.StatusCode, response.Content.Headers.ContentType?.MediaType, items, parser.ReconnectionInterval, clean);
    }

    /// <summary>Reads until the terminal event, resuming with Last-Event-ID after each cut (at most 100 responses).</summary>
    public static async Task<IReadOnlyList<Item>> ReadAllAsync(HttpClient http, string path, CancellationToken cancellationToken = default)
    {
        var items = new List<Item>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var part = await ReadAsync(http, path, items.Count == 0 ? null : items[^1].Id, cancellationToken);
            items.AddRange(part.Items);
            if (part.Status == HttpStatusCode.NoContent || items.Count > 0 && items[^1].Type is "workflow.completed" or "workflow.failed" or "workflow.cancelled")
            {
                return items;
            }
        }

        throw new InvalidOperationException($"No terminal event after 100 responses from {path}.");
    }
}
