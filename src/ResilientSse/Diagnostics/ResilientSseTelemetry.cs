namespace ResilientSse.Diagnostics;

/// <summary>
/// The names under which the library publishes its metrics and traces, for <c>AddMeter</c> and <c>AddSource</c> in
/// OpenTelemetry (or a <see cref="System.Diagnostics.Metrics.MeterListener"/> and an
/// <see cref="System.Diagnostics.ActivityListener"/>). Every <see cref="Streaming.SseClient"/> and
/// <see cref="Executions.ExecutionWatcher"/> in the process reports under these two names.
/// </summary>
public static class ResilientSseTelemetry
{
    /// <summary>The name of the library's <see cref="System.Diagnostics.Metrics.Meter"/>: every instrument (<c>resilientsse.sse.*</c>, <c>resilientsse.execution.*</c>) is on it.</summary>
    public const string MeterName = "ResilientSse";

    /// <summary>The name of the library's <see cref="System.Diagnostics.ActivitySource"/>: <c>ResilientSse.Subscribe</c>, <c>ResilientSse.Watch</c> and <c>ResilientSse.Connect</c>.</summary>
    public const string ActivitySourceName = "ResilientSse";
}
