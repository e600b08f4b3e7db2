namespace ResilientSse.Watcher;

/// <summary>The options every command shares.</summary>
internal sealed record WatchSettings(string Format, TimeSpan? IdleTimeout, TimeSpan? GiveUpAfter, bool Verbose);
