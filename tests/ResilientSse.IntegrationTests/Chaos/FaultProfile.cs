using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>How likely each fault is for one response of an endpoint.</summary>
internal sealed record FaultRates(double Refuse = 0, double Delay = 0, double Throttle = 0, double Cut = 0, double Reset = 0, double Stall = 0);

/// <summary>
/// A named mix of faults, for the stream and (less often) the snapshot, and how one request's plan is drawn from a seed.
/// Refusals of the snapshot endpoint are kept rarer than the stream's.
/// </summary>
internal sealed record FaultProfile(string Name, FaultRates Stream, FaultRates Snapshot)
{
    public const int MaxRefusalsInARow = 2;

    public static IReadOnlyList<FaultProfile> All { get; } =
    [
        new("cuts", new FaultRates(Cut: 0.6), new FaultRates(Cut: 0.10)),
        new("resets", new FaultRates(Reset: 0.6), new FaultRates(Reset: 0.10)),
        new("trickle+cuts", new FaultRates(Throttle: 0.5, Cut: 0.45), new FaultRates(Throttle: 0.2, Cut: 0.05)),
        new("stalls", new FaultRates(Delay: 0.1, Stall: 0.4), new FaultRates(Stall: 0.05)),
        new("refusals", new FaultRates(Refuse: 0.55), new FaultRates(Refuse: 0.08)),
        new("mixed", new FaultRates(Refuse: 0.15, Delay: 0.1, Throttle: 0.15, Cut: 0.2, Reset: 0.15, Stall: 0.1),
            new FaultRates(Refuse: 0.04, Throttle: 0.05, Cut: 0.05, Reset: 0.03, Stall: 0.02)),
    ];

    public static FaultProfile Named(string name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"No fault profile '{name}': {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));

    /// <summary>
    /// Draws the plan of request number <paramref name="index"/> (from 0) of an execution's <paramref name="endpoint"/>,
    /// from (<paramref name="watchSeed"/>, endpoint, index). A refusal is never drawn for a third request in a row: the
    /// contract lets a watch report a gap after "more non-200 answers than a documented bound", and with at most
    /// <see cref="MaxRefusalsInARow"/> the suite's "zero gaps" holds for any bound of that or more.
    /// </summary>
    public FaultPlan Plan(int watchSeed, ProxyEndpoint endpoint, int index)
    {
        var rates = endpoint == ProxyEndpoint.Stream ? Stream : Snapshot;
        var refusedInARow = 0;
        for (var earlier = 0; earlier < index; earlier++)
        {
            var refused = new Random(SeedOf(watchSeed, endpoint, earlier)).NextDouble() < rates.Refuse && refusedInARow < MaxRefusalsInARow;
            refusedInARow = refused ? refusedInARow + 1 : 0;
        }

        var seed = SeedOf(watchSeed, endpoint, index);
        var random = new Random(seed);
        if (random.NextDouble() < rates.Refuse && refusedInARow < MaxRefusalsInARow)
        {
            var form = (RefusalForm)random.Next(3);
            return new FaultPlan { Seed = seed, Refusal = new ProxyRefusal(form, 1) };
        }

        var delay = random.NextDouble() < rates.Delay ? TimeSpan.FromMilliseconds(random.Next(50, 600)) : TimeSpan.Zero;
        var throttle = random.NextDouble() < rates.Throttle ? new ProxyThrottle(1, 7, 1, 3) : null;
        var roll = random.NextDouble();
        var ending = roll < rates.Cut ? ProxyEnding.Cut
            : roll < rates.Cut + rates.Reset ? ProxyEnding.Reset
            : roll < rates.Cut + rates.Reset + rates.Stall ? ProxyEnding.Stall
            : ProxyEnding.None;
        var at = ending == ProxyEnding.None ? null : endpoint == ProxyEndpoint.Stream ? StreamPoint(random) : OtherPoint(random);
        return new FaultPlan { Seed = seed, FirstByteDelay = delay, Throttle = throttle, Ending = ending, At = at };
    }

    private static int SeedOf(int watchSeed, ProxyEndpoint endpoint, int index) => Seeds.Mix(watchSeed, (int)endpoint, index);

    /// <summary>Inside the head rarely; otherwise inside a line, inside a UTF-8 character, or between events, mostly early in the response.</summary>
    private static CutPoint StreamPoint(Random random)
    {
        var roll = random.NextDouble();
        var events = random.NextDouble() switch
        {
            < 0.15 => 0,
            < 0.50 => 1,
            < 0.75 => 2,
            < 0.90 => 3,
            _ => 4,
        };
        return roll switch
        {
            < 0.05 => new CutPoint(CutPlace.InHead, 0, random.Next(1, 120)),
            < 0.40 => new CutPoint(CutPlace.InLine, events, random.Next(1, 80)),
            < 0.60 => new CutPoint(CutPlace.InUtf8, events, 0),
            _ => new CutPoint(CutPlace.BetweenEvents, events, 0),
        };
    }

    private static CutPoint OtherPoint(Random random) => random.NextDouble() < 0.15
        ? new CutPoint(CutPlace.InHead, 0, random.Next(1, 120))
        : new CutPoint(CutPlace.AtByte, 0, random.Next(1, 400));
}
