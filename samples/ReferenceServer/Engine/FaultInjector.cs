using System.Collections.Concurrent;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>Decides, from the configured probabilities and seed, which deliveries misbehave. Thread-safe.</summary>
internal sealed class FaultInjector(ReferenceFaultOptions faults)
{
    private readonly Lock _lock = new();
    private readonly Random _random = faults.Seed is { } seed ? new Random(seed) : new Random();
    private readonly ConcurrentDictionary<string, bool> _droppedBeforeTerminal = new();

    public ReferenceFaultOptions Options => faults;

    /// <summary>Gets whether a fault may act on the delivery of <paramref name="stored"/> (a drop or a stall after any event, a cut before a terminal one).</summary>
    public bool MayAffect(StoredEvent stored) => faults.DropProbability > 0 || faults.StallProbability > 0 || (stored.IsTerminal && faults.DropBeforeTerminal);

    public bool RefuseStream() => Roll(faults.UnavailableRate);

    public bool DropAfterEvent() => Roll(faults.DropProbability);

    public bool StallAfterEvent() => Roll(faults.StallProbability);

    /// <summary>True once per execution, when <see cref="ReferenceFaultOptions.DropBeforeTerminal"/> is on.</summary>
    public bool DropBeforeTerminal(string executionId) => faults.DropBeforeTerminal && _droppedBeforeTerminal.TryAdd(executionId, true);

    private bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }

        lock (_lock)
        {
            return _random.NextDouble() < probability;
        }
    }
}
