using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ResilientSse.Diagnostics;

/// <summary>The library's one <see cref="System.Diagnostics.Metrics.Meter"/> and one <see cref="System.Diagnostics.ActivitySource"/>, shared by every layer.</summary>
internal static class LibraryTelemetry
{
    private static readonly string? Version = typeof(LibraryTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>The meter every instrument is created on.</summary>
    public static readonly Meter Meter = new(ResilientSseTelemetry.MeterName, Version);

    /// <summary>The source every activity is started from.</summary>
    public static readonly ActivitySource Source = new(ResilientSseTelemetry.ActivitySourceName, Version);
}
