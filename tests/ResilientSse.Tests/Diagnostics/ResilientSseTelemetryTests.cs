using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.Diagnostics;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.DependencyInjection;

namespace ResilientSse.Tests.Diagnostics;

/// <summary>Every instrument is on one meter and every activity comes from one source, both under the names users subscribe to.</summary>
public sealed class ResilientSseTelemetryTests : IDisposable
{
    private readonly ConcurrentDictionary<string, Meter> _instruments = new();
    private readonly ConcurrentDictionary<string, long> _measured = new();
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _sources;

    public ResilientSseTelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ResilientSseTelemetry.MeterName)
            {
                _instruments[instrument.Name] = instrument.Meter;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, _, _) => _measured.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        _meters.Start();
        _sources = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ResilientSseTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_sources);
    }

    [Fact]
    public async Task MeterName_ListenedTo_PublishesEveryInstrumentOnOneMeter()
    {
        await RunAWatchAndASubscriptionAsync();

        string[] expected =
        [
            "resilientsse.sse.connections", "resilientsse.sse.reconnects", "resilientsse.sse.events", "resilientsse.sse.bytes",
            "resilientsse.execution.watches", "resilientsse.execution.missing_events", "resilientsse.execution.duplicates_dropped",
            "resilientsse.execution.snapshot_reads", "resilientsse.execution.polling_fallbacks", "resilientsse.execution.terminal_delay",
        ];
        Assert.All(expected, name => Assert.True(_instruments.ContainsKey(name), $"{name} is not on the {ResilientSseTelemetry.MeterName} meter"));
        Assert.Single(_instruments.Values.Distinct());
        Assert.True(_measured.GetValueOrDefault("resilientsse.sse.connections") >= 1);
        Assert.True(_measured.GetValueOrDefault("resilientsse.execution.watches") >= 1);
    }

    [Fact]
    public async Task ActivitySourceName_ListenedTo_SeesTheWatchItsConnectionAndTheSubscription()
    {
        await RunAWatchAndASubscriptionAsync();

        // Other tests may watch the same execution meanwhile: any of the watches seen will do.
        var watches = _activities.Where(a => a.OperationName == "ResilientSse.Watch"
            && a.GetTagItem("resilientsse.execution.id") is ResilientSse.Testing.ExecutionScript.Id).ToList();
        Assert.Contains(watches, watch => _activities.Any(a => a.OperationName == "ResilientSse.Connect" && a.ParentSpanId == watch.SpanId));
        Assert.Contains(_activities, a => a.OperationName == "ResilientSse.Subscribe");
        Assert.Single(_activities.Select(a => a.Source).Distinct());
    }

    public void Dispose()
    {
        _meters.Dispose();
        _sources.Dispose();
    }

    private static async Task RunAWatchAndASubscriptionAsync()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher(o => o.BaseAddress = Registrations.BaseAddress).Serve(Registrations.CompletedExecution());
        services.AddSseClient(_ => { }).Serve(Registrations.TwoEvents());
        await using var provider = services.BuildServiceProvider();

        await Registrations.WatchToEndAsync(provider.GetRequiredService<IExecutionWatcher>());
        await Registrations.FirstEventAsync(provider.GetRequiredService<SseClient>());
    }
}
