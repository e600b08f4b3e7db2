using ResilientSse.Streaming;

namespace ResilientSse.Tests.TestSupport;

/// <summary>Builds SSE clients over a <see cref="SseTestServer"/> and collects what they yield, every wait bounded.</summary>
internal static class SseClients
{
    public static readonly Uri Address = new("http://127.0.0.1/stream");

    /// <summary>Options that reconnect at once, for tests that are not about delays.</summary>
    public static SseClientOptions Immediate() => new() { InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0 };

    /// <summary>A notice callback that keeps the reconnection notices in <paramref name="reconnects"/>.</summary>
    public static Action<SseNotice> Reconnects(List<SseNotice> reconnects) => notice =>
    {
        if (notice.Kind == SseNoticeKind.Reconnecting)
        {
            reconnects.Add(notice);
        }
    };

    /// <summary>Collects what a subscription yields, each item with the last event ID in effect and the connection beside it.</summary>
    public static async Task<List<ReceivedEvent>> CollectAsync(SseSubscription<string> events, int? stopAfter = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var items = new List<ReceivedEvent>();
        await foreach (var item in events.WithCancellation(timeout.Token))
        {
            items.Add(new ReceivedEvent(item.EventType, item.Data, events.LastEventId, events.Connection, item.EventId, item.ReconnectionInterval));
            if (items.Count == stopAfter)
            {
                break;
            }
        }

        return items;
    }
}

/// <summary>An item a subscription yielded, with what the subscription said beside it.</summary>
internal sealed record ReceivedEvent(string EventType, string Data, string LastEventId, int Connection, string? EventId, TimeSpan? ReconnectionInterval);
