namespace ResilientSse.Streaming.Internal;

/// <summary>How long a subscription or a watch may go without contact: short until the server first answers, long after.</summary>
internal static class ContactBudget
{
    /// <summary>
    /// The budget in force: before any contact, the shorter of <paramref name="firstContact"/> and
    /// <paramref name="offline"/>; after it, <paramref name="offline"/>. <see cref="Timeout.InfiniteTimeSpan"/> is the longest.
    /// </summary>
    public static TimeSpan InForce(bool contacted, TimeSpan offline, TimeSpan firstContact) =>
        contacted || firstContact == Timeout.InfiniteTimeSpan || (offline != Timeout.InfiniteTimeSpan && offline < firstContact)
            ? offline
            : firstContact;

    /// <summary>Whether <paramref name="budget"/> has run out after <paramref name="elapsed"/>.</summary>
    public static bool Spent(TimeSpan budget, TimeSpan elapsed) => budget != Timeout.InfiniteTimeSpan && elapsed >= budget;
}
