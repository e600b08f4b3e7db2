namespace ResilientSse.Watcher.Doctor;

/// <summary>How much a finding matters: <see cref="Info"/> needs nothing done; the other two make <c>doctor</c> exit 1.</summary>
internal enum FindingSeverity
{
    /// <summary>What was measured; nothing to fix.</summary>
    Info,

    /// <summary>Works today, but events will be late or lost under conditions the path will meet.</summary>
    Warning,

    /// <summary>Resilient SSE does not work through this path as it stands.</summary>
    Error,
}
