using ResilientSse.Executions;
using ResilientSse.Watcher.Output;

namespace ResilientSse.Watcher.Commands;

/// <summary>Watches one execution with the library's <see cref="ExecutionWatcher"/> and renders what it yields.</summary>
internal sealed class WatchRunner(WatchSettings settings, TextWriter stdout, TextWriter stderr)
{
    public WatchStatistics Statistics { get; } = new();

    /// <summary>Watches to the end; returns 0 when the execution completed, 1 when it failed or was cancelled.</summary>
    public async Task<int> WatchAsync(HttpClient http, Uri server, string executionId, int? expectedStages, Action<ExecutionWatcherOptions>? configure, CancellationToken cancellationToken)
    {
        await using var renderer = RendererFactory.Create(settings, stdout, stderr, expectedStages);
        var options = new ExecutionWatcherOptions
        {
            BaseAddress = server,
            OnNotice = notice =>
            {
                Statistics.Add(notice);
                renderer.Notice(notice);
            },
        };
        if (settings.IdleTimeout is { } idle)
        {
            options.Stream.IdleTimeout = idle;
        }

        if (settings.GiveUpAfter is { } budget)
        {
            options.OfflineBudget = budget;
        }

        configure?.Invoke(options);
        var watcher = new ExecutionWatcher(http, options);
        renderer.Begin(executionId);
        await foreach (var item in watcher.WatchAsync(executionId, cancellationToken))
        {
            Statistics.Add(item);
            renderer.Event(item);
        }

        return Statistics.Terminal?.Status == ExecutionStatus.Completed ? ExitCodes.Completed : ExitCodes.FailedOrCancelled;
    }
}
