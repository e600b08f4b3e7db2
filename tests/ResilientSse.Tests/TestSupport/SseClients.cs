using ResilientSse.Streaming;

namespace ResilientSse.Tests.TestSupport;

/// <summary>Builds SSE clients over a <see cref="SseTestServer"/> and collects what they yield, every wait bounded.</summary>
internal static class SseClients
{
    public static readonly Uri Address = new("http://127.0.0.1/stream");

    /// <summary>Options that reconnect at once, for tests that are not about delays.</summary>
    public static SseClientOptions Immediate() => new() { InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0 };

    public static async Task<List<SseEvent>> CollectAsync(IAsyncEnumerable<SseEvent> events, int? stopAfter = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var items = new List<SseEvent>();
        await foreach (var item in events.WithCancellation(timeout.Token))
        {
            items.Add(item);
            if (items.Count == stopAfter)
            {
                break;
            }
        }

        return items;
    }
}
