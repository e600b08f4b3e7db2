using System.Text;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Executions;

/// <summary>Builds dispatched SSE events for tests of the layers above the parser.</summary>
internal static class TestSse
{
    /// <summary>An event whose block had an <c>id</c> field (empty when <paramref name="lastEventId"/> is).</summary>
    public static SseEvent Event(string type, string data, string lastEventId) =>
        new() { EventType = type, DataUtf8 = Encoding.UTF8.GetBytes(data), LastEventId = lastEventId, HasIdField = true };

    /// <summary>An event whose block had no <c>id</c> field: <paramref name="lastEventIdInEffect"/> is an earlier event's.</summary>
    public static SseEvent EventWithoutId(string type, string data, string lastEventIdInEffect) =>
        new() { EventType = type, DataUtf8 = Encoding.UTF8.GetBytes(data), LastEventId = lastEventIdInEffect, HasIdField = false };
}
