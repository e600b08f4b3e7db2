namespace ResilientSse.Watcher.Doctor;

/// <summary>What one resumed connection showed about the server's replay.</summary>
internal enum ResumeVerdict
{
    /// <summary>No event came to judge by (the stream stayed quiet, closed empty, or answered 204).</summary>
    Inconclusive,

    /// <summary>It went on at the id that followed the one sent.</summary>
    Honoured,

    /// <summary>It started over from the beginning, as if no id had been sent.</summary>
    Ignored,

    /// <summary>It went on, but from an id at or before the one sent.</summary>
    Repeats,

    /// <summary>It went on past ids that followed the one sent.</summary>
    Skips,
}
