namespace ResilientSse.Streaming.Internal;

/// <summary>
/// What one subscription or watch owes its server: the time before which no stream request may go out. The wait
/// policy decides how long each answer earns; <see cref="OwedWaitStrategy"/>, which every stream request passes
/// through, waits it out.
/// </summary>
internal sealed class WaitLedger(TimeProvider timeProvider)
{
    private long _notBefore = timeProvider.GetTimestamp();

    /// <summary>Gets the wait still owed; zero when none is.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var now = timeProvider.GetTimestamp();
            var notBefore = Volatile.Read(ref _notBefore);
            return now >= notBefore ? TimeSpan.Zero : timeProvider.GetElapsedTime(now, notBefore);
        }
    }

    /// <summary>Gets whether a wait is owed.</summary>
    public bool Owed => Remaining > TimeSpan.Zero;

    /// <summary>Notes that no request may go out for <paramref name="wait"/> from now: what the last answer earned.</summary>
    public void Owe(TimeSpan wait) => Volatile.Write(ref _notBefore, NotBefore(wait));

    /// <summary>Notes that no request may go out for <paramref name="wait"/> from now, unless a longer wait is owed already.</summary>
    public void OweAtLeast(TimeSpan wait)
    {
        var notBefore = NotBefore(wait);
        if (notBefore > Volatile.Read(ref _notBefore))
        {
            Volatile.Write(ref _notBefore, notBefore);
        }
    }

    /// <summary>The moment <paramref name="wait"/> from now; a wait beyond what a timer takes counts as the longest one (a server's "much later").</summary>
    private long NotBefore(TimeSpan wait)
    {
        var capped = wait > WaitPolicy.LongestDelay ? WaitPolicy.LongestDelay : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        return timeProvider.GetTimestamp() + (long)(capped.TotalSeconds * timeProvider.TimestampFrequency);
    }
}
