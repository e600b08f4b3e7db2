using ResilientSse.Streaming;

namespace ResilientSse.Tests.Executions;

/// <summary>Builds dispatched SSE events for tests of the layers above the parser.</summary>
internal static class TestSse
{
    public static SseEvent Event(string type, string data, string lastEventId) =>
        new() { EventType = type, Data = data, LastEventId = lastEventId };
}
