using ResilientSse.Executions;
using ResilientSse.Watcher.Output;

namespace ResilientSse.Watcher.Commands;

/// <summary>
/// Watches one execution with the library's <see cref="ExecutionWatcher"/>, renders what it yields, says why it
/// reconnects or polls, and ends with a summary (or, when the watch itself fails, shows the reason and rethrows).
/// </summary>
internal sealed class WatchRunner(WatchSettings settings, BufferedStdout stdout, TextWriter stderr)
{
    public WatchStatistics Statistics { get; } = new();

    /// <summary>Watches to the end; returns 0 when the execution completed, 1 when it failed or was cancelled.</summary>
    public async Task<int> WatchAsync(HttpClient http, Uri server, string executionId, int? expectedStages, Action<ExecutionWatcherOptions>? configure, CancellationToken cancellationToken)
    {
        var options = new ExecutionWatcherOptions { BaseAddress = server };
        if (settings.IdleTimeout is { } idle)
        {
            options.Stream.IdleTimeout = idle;
        }

        if (settings.MaxEventSize is { } maxEventSize)
        {
            options.Stream.MaxEventSize = maxEventSize;
        }

        configure?.Invoke(options);
        var giveUp = GiveUpPolicy.Apply(settings, options);
        var narrator = new WatchNarrator(server, giveUp);
        await using (var renderer = RendererFactory.Create(settings, stdout, stderr, expectedStages, narrator))
        {
            options.OnNotice = notice =>
            {
                Statistics.Add(notice);
                renderer.Notice(notice);
            };
            var watcher = new ExecutionWatcher(http, options);
            renderer.Begin(executionId);
            try
            {
                var events = watcher.WatchAsync(executionId, cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using (events)
                {
                    try
                    {
                        while (await stdout.MoveNextFlushingWhenQuietAsync(events))
                        {
                            Statistics.Add(events.Current);
                            renderer.Event(events.Current);
                        }
                    }
                    finally
                    {
                        // Before the connection is closed: the last events are on stdout whatever ends the watch.
                        stdout.Flush();
                    }
                }
            }
            catch (Exception ex) when (ex is ResilientSseException or HttpRequestException)
            {
                renderer.Failed(TroubleText.Failure(ex, server));
                throw;
            }
        }

        WatchSummary.Write(Statistics, settings.Format == "jsonl" ? stderr : stdout);
        return Statistics.Terminal?.Status == ExecutionStatus.Completed ? ExitCodes.Completed : ExitCodes.FailedOrCancelled;
    }
}
