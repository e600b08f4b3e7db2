using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>When things go wrong, the console watcher says why and what it does next, then ends with one line (CONTRACT §4).</summary>
public sealed class WatcherTroubleTests
{
    /// <summary>A bound on a hang only: how soon the reason comes is measured against the give-up, not the process start.</summary>
    private static readonly TimeSpan ReasonBound = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("watch", "wf_exec_x", "text")]
    [InlineData("watch", "wf_exec_x", "jsonl")]
    [InlineData("run", "quick", "text")]
    [InlineData("run", "quick", "jsonl")]
    public async Task DeadServer_SaysWhyAtTheFirstFailedAttemptThenGivesUpWithExitTwo(string command, string target, string format)
    {
        var server = $"http://127.0.0.1:{UnusedPort()}";
        using var watcher = WatcherProcess.Start(command, target, "--server", server, "--give-up-after", "3s", "--format", format);

        var seenAt = await watcher.WaitForStderrAsync("(connection refused); retrying in", ReasonBound);
        var exitCode = await watcher.WaitForExitAsync();
        var exitedAt = watcher.Elapsed;

        // Said at the first failed attempt (about 0.4 s after the process starts on a quiet machine), so it comes
        // well before the give-up 3 s later; the process start itself, slow on a loaded machine, is not the point.
        Assert.True(seenAt is not null, $"No reason on stderr within {ReasonBound}: {watcher.Stderr}");
        Assert.True(exitedAt - seenAt >= TimeSpan.FromSeconds(1.5), $"The reason came {(exitedAt - seenAt.Value).TotalSeconds:0.0}s before the end, not at the first attempt: {watcher.Stderr}");
        Assert.Contains($"cannot reach {server} (connection refused); retrying in ", watcher.Stderr, StringComparison.Ordinal);
        Assert.Contains("giving up after 3s without contact", watcher.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, exitCode);
        var last = watcher.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Assert.Equal($"ssewatch: gave up after 3s without contact with {server}: connection refused", last);
        if (format == "jsonl")
        {
            Assert.Empty(watcher.Stdout);
        }
    }

    [Theory]
    [InlineData("text")]
    [InlineData("jsonl")]
    public async Task WatchUnknownExecution_SaysUnknownExecutionWithoutAPollingLine(string format)
    {
        await using var server = await ReferenceServers.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("watch", "wf_exec_missing", "--server", server.BaseAddress.ToString(), "--format", format);

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown execution 'wf_exec_missing'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("polling", stdout + stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Workflows_ListsTheServersWorkflowsWithTheirInputs()
    {
        await using var server = await ReferenceServers.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("workflows", "--server", server.BaseAddress.ToString());

        Assert.True(exitCode == 0, stderr);
        var firstWords = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(' ')).Select(l => l.Split(' ')[0]);
        Assert.Equal(["quick", "very-long", "failing"], firstWords);
        Assert.Contains("stages (", stdout, StringComparison.Ordinal);
        Assert.Contains("delayMs (", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkflowsJsonl_WritesOneServerObjectPerLine()
    {
        await using var server = await ReferenceServers.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("workflows", "--server", server.BaseAddress.ToString(), "--format", "jsonl");

        Assert.True(exitCode == 0, stderr);
        var ids = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString());
        Assert.Equal(["quick", "very-long", "failing"], ids);
    }

    [Fact]
    public async Task WorkflowsDeadServer_ExitsTwoWithTheReason()
    {
        var server = $"http://127.0.0.1:{UnusedPort()}";

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("workflows", "--server", server);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Equal($"ssewatch: cannot reach {server} (connection refused)", stderr.Trim());
    }

    [Fact]
    public async Task TailOversizedEvent_ExitsTwoNamingMaxEventSize()
    {
        await using var server = await OversizedEventServer.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("tail", server.Url.ToString(), "--format", "jsonl");

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("larger than 1MiB", stderr, StringComparison.Ordinal);
        Assert.Contains("--max-event-size", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchOversizedEvent_ExitsTwoNamingMaxEventSize()
    {
        await using var server = await OversizedEventServer.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("watch", "big", "--server", server.BaseAddress.ToString(), "--format", "jsonl", "--max-event-size", "512KiB");

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("larger than 512KiB", stderr, StringComparison.Ordinal);
        Assert.Contains("--max-event-size", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TailWithMaxEventSize_ReadsTheLargeEvent()
    {
        await using var server = await OversizedEventServer.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("tail", server.Url.ToString(), "--format", "jsonl", "--max-event-size", "4MiB");

        Assert.True(exitCode == 0, stderr);
        using var line = JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single());
        Assert.Equal(OversizedEventServer.DataSize, line.RootElement.GetProperty("data").GetString()!.Length);
    }

    [Fact]
    public async Task RunWithMaxEventSize_IsAcceptedAndEndsWithTheSummary()
    {
        await using var server = await ReferenceServers.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("run", "quick", "--server", server.BaseAddress.ToString(), "--max-event-size", "64KiB");

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("Summary: 8 events (8 from the stream, 0 from the snapshot), 0 reconnects, 0 gaps, 0 duplicates dropped.", stdout, StringComparison.Ordinal);
        Assert.Contains("Terminal event: workflow.completed (completed, from the stream)", stdout, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nobody listens on: bound, read, and released.</summary>
    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
