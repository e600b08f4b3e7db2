using System.Globalization;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>Timestamps as the contract writes them: UTC, ISO 8601, milliseconds, <c>Z</c>.</summary>
internal static class Timestamps
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
