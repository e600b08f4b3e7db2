namespace ResilientSse.Watcher.Output;

/// <summary>What to say about a notice: <see cref="Line"/> for <c>--verbose</c>, <see cref="Show"/> (if any) even without it.</summary>
internal readonly record struct Narration(string Line, string? Show);
