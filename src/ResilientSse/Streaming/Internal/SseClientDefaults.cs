namespace ResilientSse.Streaming.Internal;

/// <summary>The defaults of <see cref="SseClientOptions"/>, in one place.</summary>
internal static class SseClientDefaults
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan InitialReconnectDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan HealthyConnectionThreshold = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan OfflineBudget = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan FirstContactBudget = TimeSpan.FromSeconds(30);
    public const double JitterRatio = 0.5;
    public const int MaxEventSize = 1024 * 1024;

    /// <summary>The smallest <see cref="SseClientOptions.MaxEventSize"/> accepted: room for a short event.</summary>
    public const int MinEventSize = 64;
}
