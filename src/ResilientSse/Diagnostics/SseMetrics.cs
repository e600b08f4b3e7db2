using System.Diagnostics.Metrics;

namespace ResilientSse.Diagnostics;

/// <summary>The SSE layer's instruments, on the library's meter (<see cref="ResilientSseTelemetry.MeterName"/>).</summary>
internal static class SseMetrics
{
    private static Meter Meter => LibraryTelemetry.Meter;

    public static readonly Counter<long> Connections = Meter.CreateCounter<long>(
        "resilientsse.sse.connections", "{connection}", "Connections established (200, text/event-stream).");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(
        "resilientsse.sse.reconnects", "{attempt}", "Reconnection attempts scheduled after a failure or the end of a stream.");

    public static readonly Counter<long> Events = Meter.CreateCounter<long>(
        "resilientsse.sse.events", "{event}", "Events dispatched.");

    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>(
        "resilientsse.sse.bytes", "By", "Bytes read from event streams.");
}
