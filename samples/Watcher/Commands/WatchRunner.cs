using ResilientSse.Executions;
using ResilientSse.Watcher.Output;

namespace ResilientSse.Watcher.Commands;

/// <summary>
/// Watches one execution with the library's <see cref="ExecutionWatcher"/>, renders what it yields, says why it
/// reconnects or polls, and ends with a summary (or, when the watch itself fails, shows the reason and rethrows).
/// </summary>
internal sealed class WatchRunner(WatchSettings settings, TextWriter stdout, TextWriter stderr)
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
        using var guard = new FirstContactGuard(giveUp.FirstContact, cancellationToken);
        Exception? lastCause = null;
        await using (var renderer = RendererFactory.Create(settings, stdout, stderr, expectedStages, narrator))
        {
            options.OnNotice = notice =>
            {
                if (notice.Kind is ExecutionWatchNoticeKind.Connected or ExecutionWatchNoticeKind.SnapshotChecked)
                {
                    guard.Contacted();
                }

                lastCause = notice.Cause ?? lastCause;
                Statistics.Add(notice);
                renderer.Notice(notice);
            };
            var watcher = new ExecutionWatcher(http, options);
            renderer.Begin(executionId);
            try
            {
                await foreach (var item in watcher.WatchAsync(executionId, guard.Token))
                {
                    guard.Contacted();
                    Statistics.Add(item);
                    renderer.Event(item);
                }
            }
            catch (OperationCanceledException) when (guard.GaveUp(cancellationToken))
            {
                var gaveUp = new OfflineBudgetExceededException(giveUp.FirstContact, giveUp.FirstContact,
                    $"No contact with the server for {Duration.Format(giveUp.FirstContact)}.", lastCause);
                renderer.Failed(TroubleText.Failure(gaveUp, server));
                throw gaveUp;
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
