namespace ResilientSse.Watcher;

/// <summary>The options every command shares.</summary>
internal sealed record WatchSettings(string Format, TimeSpan? IdleTimeout, TimeSpan? GiveUpAfter, bool Verbose)
{
    /// <summary>The largest event or line the stream may carry, in bytes (<c>--max-event-size</c>); the library's default when null.</summary>
    public int? MaxEventSize { get; init; }
}
