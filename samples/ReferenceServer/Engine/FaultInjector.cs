using System.Collections.Concurrent;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>Decides, from the configured probabilities and seed, which deliveries misbehave. Thread-safe.</summary>
internal sealed class FaultInjector(ReferenceFaultOptions faults)
{
    private readonly Lock _lock = new();
    private readonly Random _random = faults.Seed is { } seed ? new Random(seed) : new Random();
    private readonly ConcurrentDictionary<string, bool> _droppedBeforeTerminal = new();

    public ReferenceFaultOptions Options => faults;

    /// <summary>Gets whether any fault acts on the delivery of events (drops and stalls), as opposed to refusing streams.</summary>
    public bool AffectsDelivery => faults.DropProbability > 0 || faults.DropBeforeTerminal || faults.StallProbability > 0;

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
