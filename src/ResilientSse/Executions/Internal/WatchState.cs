namespace ResilientSse.Executions.Internal;

/// <summary>Everything a watch's decisions depend on besides the events yielded and the clock: the whole state of the machine.</summary>
/// <param name="Phase">The named state.</param>
/// <param name="Failures">Stream attempts in a row that were refused or brought nothing new (reset by a new event).</param>
/// <param name="Target">The sequence number of the terminal snapshot's last event (the terminal event's id); 0 while none is known.</param>
/// <param name="TerminalAttempted">Whether the one stream attempt for the terminal event alone has been made.</param>
internal readonly record struct WatchState(WatchPhase Phase, int Failures, long Target, bool TerminalAttempted)
{
    /// <summary>The state a watch starts in.</summary>
    public static WatchState Initial => new(WatchPhase.Streaming, 0, 0, false);
}
