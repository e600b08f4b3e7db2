using static ResilientSse.Executions.Internal.WatchAction;
using static ResilientSse.Executions.Internal.WatchPhase;
using static ResilientSse.Executions.Internal.WatchSignal;

namespace ResilientSse.Executions.Internal;

/// <summary>
/// The one place a watch decides: (state, what the last action reported, what the watch knows) → (next state, action).
/// Pure — no clock, no I/O — so that every row of the transition table in docs/ARCHITECTURE.md is a test.
/// </summary>
/// <remarks>
/// The rules it keeps:
/// <list type="bullet">
/// <item>A cut of a connection that delivered new events is resumed without reading the snapshot: the server has the
/// rest. How soon is the wait policy's business (one fast resume, then <c>retry:</c> with jitter).</item>
/// <item>Whenever the stream ends, fails or is refused without bringing anything new, the snapshot is read.</item>
/// <item>A terminal snapshot stands for the log's terminal event. The events before it that the watch lacks are
/// fetched over the stream for as long as the server keeps answering; they are reported as a gap only when the server
/// refuses them — 204, a permanent status, quiet instead of a replay, or more refused or empty attempts in a row than
/// <see cref="WatchFacts.MaxFailures"/> (CONTRACT §3.4: "more non-200 answers than a documented bound") — or when the
/// offline budget passes without a new event. The stream's own
/// terminal event gets one attempt when nothing else is missing, unless a wait is owed or the stream has already shown
/// it will not send it: then the snapshot ends the watch at once.</item>
/// <item>Connections that are accepted and then cut in the middle of an event are progress, not refusals: they are
/// not counted, but the snapshot is read after each, so a stream that never completes an event cannot hold a watch
/// whose execution ended.</item>
/// <item>More failures in a row than the bound while the execution runs send the watch to polling; a connection that
/// delivers brings it back. While a wait longer than the poll interval is owed to the stream (a long
/// <c>Retry-After</c>), the snapshot is polled meanwhile, in either state: the end is never noticed late.</item>
/// </list>
/// The wait before each <see cref="Connect"/> is not decided here: the I/O loop never sends a stream request before
/// the wait the previous answer earned.
/// </remarks>
internal static class WatchMachine
{
    /// <summary>Decides the next state and action.</summary>
    public static (WatchState Next, WatchAction Action) Decide(WatchState state, WatchSignal signal, in WatchFacts facts)
    {
        if (state.Phase == Finished || signal == TerminalEvent)
        {
            return (state with { Phase = Finished }, Finish);
        }

        if (signal == OfflineBudgetSpent)
        {
            return (state with { Phase = Finished }, state.Phase == CatchingUp ? FinishFromSnapshot : GiveUp);
        }

        return state.Phase switch
        {
            WatchPhase.Streaming => FromStreaming(state, signal, facts),
            CatchingUp => FromCatchingUp(state, signal, facts),
            _ => FromPolling(state, signal, facts),
        };
    }

    private static (WatchState, WatchAction) FromStreaming(WatchState state, WatchSignal signal, in WatchFacts facts) => signal switch
    {
        Started => (state, Connect),
        StreamDelivered => (state with { Failures = 0 }, Connect),
        StreamCutMidEvent => (state, ReadSnapshot),
        StreamHealthyEnd => (state with { Failures = 0 }, ReadSnapshot),
        StreamEmpty or StreamRefused or StreamNoContent => (state with { Failures = state.Failures + 1 }, ReadSnapshot),
        StreamUnusable => (state with { Phase = Polling, Failures = 0 }, ReadSnapshot),
        StreamQuiet => Ending(state, facts.SnapshotLast, facts, streamWillNotSendIt: true),
        SnapshotTerminal => Ending(state, facts.SnapshotLast, facts, streamWillNotSendIt: false),
        _ when state.Failures >= facts.MaxFailures => (state with { Phase = Polling, Failures = 0 }, PollLater),
        _ when facts.LongWaitOwed => (state, PollLater),
        _ => (state, Connect),
    };

    private static (WatchState, WatchAction) FromCatchingUp(WatchState state, WatchSignal signal, in WatchFacts facts) => signal switch
    {
        StreamDelivered => Ending(state with { Failures = 0 }, state.Target, facts, streamWillNotSendIt: false),
        StreamEmpty or StreamHealthyEnd or StreamRefused when state.Failures + 1 > facts.MaxFailures => (state with { Phase = Finished, Failures = state.Failures + 1 }, FinishFromSnapshot),
        StreamEmpty or StreamHealthyEnd or StreamRefused => Ending(state with { Failures = state.Failures + 1 }, state.Target, facts, streamWillNotSendIt: false),
        StreamQuiet or StreamNoContent or StreamUnusable => (state with { Phase = Finished }, FinishFromSnapshot),
        _ => Ending(state, state.Target, facts, streamWillNotSendIt: false),
    };

    private static (WatchState, WatchAction) FromPolling(WatchState state, WatchSignal signal, in WatchFacts facts) => signal switch
    {
        Started => (state, ReadSnapshot),
        StreamDelivered or StreamCutMidEvent or StreamHealthyEnd => (state with { Phase = WatchPhase.Streaming, Failures = 0 }, Connect),
        StreamQuiet or SnapshotTerminal => Ending(state, facts.SnapshotLast, facts, streamWillNotSendIt: true),
        SnapshotRunning or SnapshotUnavailable when facts.StreamRetryDue && !facts.WaitOwed => (state, Connect),
        _ => (state, PollLater),
    };

    /// <summary>The snapshot is terminal, its last event (the terminal one) is <paramref name="target"/>: catch up, try once for the terminal event, or end.</summary>
    private static (WatchState, WatchAction) Ending(WatchState state, long target, in WatchFacts facts, bool streamWillNotSendIt)
    {
        var failures = state.Phase == CatchingUp ? state.Failures : 0;
        var catchingUp = state with { Phase = CatchingUp, Target = target, Failures = failures };
        if (facts.LastSequence + 1 < target)
        {
            return (catchingUp, Connect);
        }

        if (facts.LastSequence + 1 == target && !streamWillNotSendIt && !facts.WaitOwed && !state.TerminalAttempted)
        {
            return (catchingUp with { TerminalAttempted = true }, Connect);
        }

        return (catchingUp with { Phase = Finished }, FinishFromSnapshot);
    }
}
