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
    public const HttpVersionPolicy HttpVersionPolicy = System.Net.Http.HttpVersionPolicy.RequestVersionOrLower;
    public static readonly Version HttpVersion = System.Net.HttpVersion.Version11;

    /// <summary>The versions <see cref="SseClientOptions.HttpVersion"/> may take: the ones <see cref="SocketsHttpHandler"/> speaks.</summary>
    public static readonly IReadOnlyList<Version> HttpVersions =
        [System.Net.HttpVersion.Version10, System.Net.HttpVersion.Version11, System.Net.HttpVersion.Version20, System.Net.HttpVersion.Version30];

    /// <summary>The smallest <see cref="SseClientOptions.MaxEventSize"/> accepted: room for a short event.</summary>
    public const int MinEventSize = 64;
}
