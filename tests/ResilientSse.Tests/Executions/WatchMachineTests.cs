using ResilientSse.Executions.Internal;

namespace ResilientSse.Tests.Executions;

/// <summary>
/// The watch's transition table: every row of the table in docs/ARCHITECTURE.md is run through
/// <see cref="WatchMachine.Decide"/>, so the table a reader sees is the machine that runs.
/// </summary>
public sealed class WatchMachineTests
{
    private const int Bound = 3;
    private const long Target = 8;

    public static TheoryData<string, string, string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string, string, string>();
        foreach (var row in TransitionTable.Read())
        {
            rows.Add(row[0], row[1], row[2], row[3], row[4]);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decide_EveryRowOfTheTable(string state, string signal, string when, string nextState, string action)
    {
        var phases = state == "any" ? Enum.GetValues<WatchPhase>() : [Enum.Parse<WatchPhase>(state)];
        foreach (var phase in phases)
        {
            var (current, facts) = Situation(phase, Enum.Parse<WatchSignal>(signal), when);
        if (when.Contains("bound", StringComparison.Ordinal) && phase == WatchPhase.CatchingUp)
        {
            // One fewer is still within the bound: the same row with Bound - 1 failures must not end the watch.
            var (within, _) = WatchMachine.Decide(current with { Failures = Bound - 1 }, Enum.Parse<WatchSignal>(signal), facts);
            Assert.Equal(WatchPhase.CatchingUp, within.Phase);
        }

            var (next, decided) = WatchMachine.Decide(current, Enum.Parse<WatchSignal>(signal), facts);

            Assert.Equal((Enum.Parse<WatchPhase>(nextState), Enum.Parse<WatchAction>(action)), (next.Phase, decided));
        }
    }

    [Fact]
    public void Table_CoversEveryStateAndSignal()
    {
        var rows = TransitionTable.Read();

        Assert.All(Enum.GetNames<WatchPhase>(), phase => Assert.Contains(rows, row => row[0] == phase || (row[0] == "any" && phase == nameof(WatchPhase.Finished))));
        Assert.All(Enum.GetNames<WatchSignal>(), signal => Assert.Contains(rows, row => row[1] == signal));
    }

    [Fact]
    public void Decide_StreamingFailures_CountRefusedAndEmptyAttemptsAndResetOnDelivery()
    {
        var state = WatchState.Initial;
        var facts = Facts(lastSequence: 3);

        (state, _) = WatchMachine.Decide(state, WatchSignal.StreamRefused, facts);
        (state, _) = WatchMachine.Decide(state, WatchSignal.SnapshotRunning, facts);
        (state, _) = WatchMachine.Decide(state, WatchSignal.StreamEmpty, facts);
        Assert.Equal(2, state.Failures);
        (state, _) = WatchMachine.Decide(state, WatchSignal.StreamCutMidEvent, facts);
        Assert.Equal(2, state.Failures); // accepted and cut mid-event: progress, not a refusal

        (state, _) = WatchMachine.Decide(state, WatchSignal.StreamDelivered, facts);
        Assert.Equal(0, state.Failures);
    }

    [Fact]
    public void Decide_EnteringCatchUp_RemembersTheTargetAndStartsCountingAgain()
    {
        var state = new WatchState(WatchPhase.Streaming, Failures: 2, Target: 0, TerminalAttempted: false);

        var (next, action) = WatchMachine.Decide(state, WatchSignal.SnapshotTerminal, Facts(lastSequence: 3, snapshotLast: Target));

        Assert.Equal(new WatchState(WatchPhase.CatchingUp, 0, Target, false), next);
        Assert.Equal(WatchAction.Connect, action);
    }

    [Fact]
    public void Decide_TheOneAttemptForTheTerminalEvent_IsMadeOnce()
    {
        var state = new WatchState(WatchPhase.Streaming, 0, 0, false);
        var facts = Facts(lastSequence: Target - 1, snapshotLast: Target);

        (state, var first) = WatchMachine.Decide(state, WatchSignal.SnapshotTerminal, facts);
        (state, var second) = WatchMachine.Decide(state, WatchSignal.StreamEmpty, facts);

        Assert.Equal(WatchAction.Connect, first);
        Assert.True(state.TerminalAttempted);
        Assert.Equal(WatchAction.FinishFromSnapshot, second);
    }

    private static (WatchState State, WatchFacts Facts) Situation(WatchPhase phase, WatchSignal signal, string when)
    {
        var words = when.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var lastSequence = words.Contains("missing") ? 3
            : words.Contains("only the terminal") ? Target - 1
            : words.Contains("nothing missing") ? Target
            : 3;

        // "bound": the refused or empty attempts in a row reach MaxStreamFailures, counted before a snapshot signal while
        // streaming; while catching up, this attempt makes them more than MaxStreamFailures.
        var failures = words.Contains("bound") ? Bound : 0;
        var state = new WatchState(phase, failures, phase == WatchPhase.CatchingUp ? Target : 0, words.Contains("attempted"));
        var snapshotLast = signal is WatchSignal.SnapshotTerminal or WatchSignal.StreamQuiet ? Target : 0;
        var longWaitOwed = words.Contains("long wait owed");
        return (state, new WatchFacts(lastSequence, snapshotLast, words.Contains("wait owed") || longWaitOwed, longWaitOwed, words.Contains("stream due"), Bound));
    }

    private static WatchFacts Facts(long lastSequence, long snapshotLast = 0) => new(lastSequence, snapshotLast, WaitOwed: false, LongWaitOwed: false, StreamRetryDue: false, Bound);
}
