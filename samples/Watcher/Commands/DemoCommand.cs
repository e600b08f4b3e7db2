using ResilientSse.ReferenceServer;
using ResilientSse.Watcher.Output;

namespace ResilientSse.Watcher.Commands;

/// <summary>
/// <c>demo</c>: the reference server in-process on a free loopback port with faults on, a <c>very-long</c> run
/// with short stages, every event arriving once despite the faults, and a summary that checks it.
/// </summary>
internal static class DemoCommand
{
    private const int Stages = 8;
    private const int DelayMs = 300;

    public static async Task<int> RunAsync(WatchSettings settings, BufferedStdout stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var faults = new ReferenceFaultOptions { DropProbability = 0.15, DropBeforeTerminal = true, UnavailableRate = 0.2, RetryAfterSeconds = 1, Seed = 2026 };
        await using var server = await ReferenceServerHost.StartAsync(
            new ReferenceServerOptions { Urls = "http://127.0.0.1:0", Store = ReferenceStoreKind.Memory, RetryMilliseconds = 200, HeartbeatInterval = TimeSpan.FromSeconds(2), Faults = faults, RequestLog = false },
            cancellationToken);
        var info = settings.Format == "jsonl" ? stderr : stdout;
        info.WriteLine($"Reference server on {server.BaseAddress} with faults: {faults.DropProbability:P0} drops after an event, a drop right before the terminal event, {faults.UnavailableRate:P0} of stream requests 503 (Retry-After {Duration.Format(TimeSpan.FromSeconds(faults.RetryAfterSeconds))}).");

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var input = $"{{\"stages\":{Stages},\"delayMs\":{DelayMs}}}";
        var id = await ExecutionStarter.StartAsync(http, server.BaseAddress, "very-long", input, GiveUpPolicy.From(settings, TimeSpan.FromMinutes(10)), stderr, settings.Verbose, cancellationToken);
        info.WriteLine($"Started very-long ({Stages} stages of {Duration.Format(TimeSpan.FromMilliseconds(DelayMs))}): {id}");

        var runner = new WatchRunner(settings, stdout, stderr);
        var exitCode = await runner.WatchAsync(http, server.BaseAddress, id, Stages, options =>
        {
            options.Stream.InitialReconnectDelay = TimeSpan.FromMilliseconds(100);
            options.Stream.MaxReconnectDelay = TimeSpan.FromSeconds(2);
        }, cancellationToken);

        return Summarize(runner.Statistics, expectedEvents: (2 * Stages) + 2, info, exitCode);
    }

    private static int Summarize(WatchStatistics statistics, int expectedEvents, TextWriter info, int exitCode)
    {
        // The server's log is 1..n with no gap (CONTRACT §2.1): what was yielded is checked against exactly that.
        // A terminal event built from the snapshot carries the id of the log's last one, n, and counts as it.
        // The runner has written the summary; this adds the check.
        var distinct = statistics.Sequences.Distinct().Count();
        var lost = expectedEvents - distinct;
        var duplicated = statistics.Sequences.Count - distinct;
        var inOrder = statistics.Sequences.SequenceEqual(statistics.Sequences.Order());
        if (lost == 0 && duplicated == 0 && inOrder && statistics.Terminal is not null)
        {
            info.WriteLine($"Every event arrived once, in order: 0 lost, 0 duplicated (ids 1..{expectedEvents}).");
            return exitCode;
        }

        info.WriteLine($"CHECK FAILED: {lost} lost, {duplicated} duplicated, {(inOrder ? "in order" : "out of order")}.");
        return ExitCodes.WatchError;
    }
}
