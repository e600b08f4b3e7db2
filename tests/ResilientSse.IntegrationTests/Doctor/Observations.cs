using ResilientSse.Watcher.Doctor;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>Hand-made observations for the analysis tests: a healthy stream, and the pieces to break it with.</summary>
internal static class Observations
{
    public static readonly Uri Url = new("http://127.0.0.1:1/stream");
    public static readonly DateTimeOffset Wall = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A healthy 3 s watch: events 1..5 every 500 ms (as fresh as their timestamps), a heartbeat 250 ms after each.</summary>
    public static ConnectionRecord Watch() => new()
    {
        Status = 200,
        StartedWall = Wall,
        HeadersAt = Ms(10),
        MediaType = "text/event-stream",
        CacheControl = "no-cache",
        AccelBuffering = "no",
        RetryMilliseconds = 1000,
        Events = [.. Enumerable.Range(1, 5).Select(i => Event(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Ms(500 * i)))],
        Comments = [.. Enumerable.Range(1, 5).Select(i => Ms((500 * i) + 250))],
        LastByteAt = Ms(2750),
        End = ConnectionEnd.TimeUp,
        EndedAt = Ms(3000),
    };

    /// <summary>A resumption check after <paramref name="sent"/> whose first event is <paramref name="first"/>.</summary>
    public static ConnectionRecord Check(string sent, string? first, ResumeVia via = ResumeVia.Header) => new()
    {
        IsResumeCheck = true,
        LastEventIdSent = sent,
        Via = via,
        Status = 200,
        StartedAt = Ms(3000),
        StartedWall = Wall + Ms(3000),
        HeadersAt = Ms(3010),
        MediaType = "text/event-stream",
        RetryMilliseconds = 1000,
        Events = first is null ? [] : [Event(first, Ms(3020)) with { Timestamp = Wall }],
        LastByteAt = Ms(3020),
        End = first is null ? ConnectionEnd.TimeUp : ConnectionEnd.Enough,
        EndedAt = Ms(3020),
    };

    /// <summary>An event that arrived at <paramref name="at"/>, written <paramref name="late"/> earlier (default: at once).</summary>
    public static ObservedEvent Event(string? id, TimeSpan at, TimeSpan late = default, long bytes = 120) =>
        new(id, "tick", at, Wall + at, Wall + at - late, bytes);

    public static DoctorObservation Of(params ConnectionRecord[] connections) => new(Url, TimeSpan.FromSeconds(3), 1024 * 1024, connections);

    public static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);
}
