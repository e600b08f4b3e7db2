namespace ResilientSse.Watcher.Doctor;

/// <summary>What <c>doctor</c> examines and for how long.</summary>
/// <param name="Url">The SSE endpoint.</param>
/// <param name="Duration">How long to observe the stream.</param>
/// <param name="Json">Whether to print one JSON object instead of the text report.</param>
/// <param name="MaxEventBytes">The client's limit on one event, to compare the largest event with.</param>
/// <param name="Headers">Request headers to send on every connection, "Name: value".</param>
internal sealed record DoctorSettings(Uri Url, TimeSpan Duration, bool Json, long MaxEventBytes, IReadOnlyList<string> Headers)
{
    /// <summary>The client's default limit on one event (1 MiB), as the library's.</summary>
    public const long DefaultMaxEventBytes = 1024 * 1024;

    /// <summary>Gets how long a resumption check waits for its first event.</summary>
    public static TimeSpan ResumeWait { get; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets the longest wait between connections, whatever <c>retry:</c> says, so that the observation stays bounded.</summary>
    public static TimeSpan MaxReconnectWait { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the least time left in the observation for which a new connection is worth making.</summary>
    public static TimeSpan MinConnectionTime { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets how many connections one observation makes at most.</summary>
    public static int MaxConnections => 20;
}
