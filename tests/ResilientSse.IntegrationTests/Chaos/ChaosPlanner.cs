using System.Collections.Concurrent;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>The proxy's planner for the chaos suite: requests of a registered execution get their watch's plans, others pass.</summary>
internal sealed class ChaosPlanner
{
    private readonly ConcurrentDictionary<string, ChaosWatch> _watches = new(StringComparer.Ordinal);

    public void Register(string executionId, ChaosWatch watch) => _watches[executionId] = watch;

    public FaultPlan Plan(ProxyRequest request) =>
        request is { ExecutionId: { } id, Endpoint: ProxyEndpoint.Stream or ProxyEndpoint.Snapshot } && _watches.TryGetValue(id, out var watch)
            ? watch.Profile.Plan(watch.Seed, request.Endpoint, request.Index)
            : FaultPlan.PassThrough;
}
