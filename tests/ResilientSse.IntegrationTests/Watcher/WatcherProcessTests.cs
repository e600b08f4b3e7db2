using System.Diagnostics;
using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>The built console watcher as a real process against a real reference server (CONTRACT §4).</summary>
public sealed class WatcherProcessTests
{
    private static readonly string[] EventProperties = ["id", "type", "source", "terminal", "status", "data"];

    [Theory]
    [InlineData("bogus")]
    [InlineData("watch", "wf_exec_x", "--server", "not-a-url")]
    [InlineData("watch", "wf_exec_x", "--server", "http://127.0.0.1:9", "--idle-timeout", "5x")]
    [InlineData("watch")]
    [InlineData("watch", "wf_exec_x", "--max-event-size", "10MB")]
    [InlineData("run", "quick", "--server", "http://127.0.0.1:9", "--input", "[1,2]")]
    [InlineData("tail", "http://127.0.0.1:9/stream", "--header", "no-colon")]
    [InlineData("watch", "wf_exec_x", "--server", "http://127.0.0.1:9", "--format", "xml")]
    public async Task BadArguments_ExitTwoWithOneLineOnStderr(params string[] args)
    {
        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task RunQuick_Jsonl_WritesOneContractObjectPerEventAndExitsZero()
    {
        await using var server = await ReferenceServers.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("run", "quick", "--server", server.BaseAddress.ToString(), "--format", "jsonl");

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var root = line.RootElement;
            Assert.Equal(EventProperties, root.EnumerateObject().Select(p => p.Name));
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("id").GetString());
            Assert.Equal("stream", root.GetProperty("source").GetString());
            var terminal = i == lines.Length - 1;
            Assert.Equal(terminal, root.GetProperty("terminal").GetBoolean());
            Assert.Equal(terminal ? JsonValueKind.String : JsonValueKind.Null, root.GetProperty("status").ValueKind);
            Assert.Equal(JsonValueKind.Object, root.GetProperty("data").ValueKind);
        }

        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal("workflow.completed", last.RootElement.GetProperty("type").GetString());
        Assert.Equal("completed", last.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task RunFailing_ExitsOne()
    {
        await using var server = await ReferenceServers.StartAsync();

        var (exitCode, stdout, _) = await WatcherProcess.RunAsync("run", "failing", "--server", server.BaseAddress.ToString(), "--format", "jsonl");

        Assert.Equal(1, exitCode);
        using var last = JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Equal("failed", last.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task WatchUnknownExecution_ExitsTwoNamingIt()
    {
        await using var server = await ReferenceServers.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("watch", "wf_exec_missing", "--server", server.BaseAddress.ToString(), "--format", "jsonl");

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("wf_exec_missing", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchRedirected_TextDegradesToPlainLinesWithoutEscapeCodes()
    {
        await using var server = await ReferenceServers.StartAsync();
        var id = await server.StartExecutionAsync("quick");

        var (exitCode, stdout, _) = await WatcherProcess.RunAsync("watch", id, "--server", server.BaseAddress.ToString());

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain('\u001b', stdout);
        Assert.Contains("workflow.completed", stdout, StringComparison.Ordinal);
        var eventLines = stdout.Split('\n').Where(l => l.Length > 0 && char.IsAsciiDigit(l[0]));
        Assert.Equal(8, eventLines.Count(l => l.Contains(" node.", StringComparison.Ordinal) || l.Contains(" workflow.", StringComparison.Ordinal)));
        Assert.Contains("Summary: 8 events", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_CompletesDespiteFaultsWithNothingLost()
    {
        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("demo");

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("0 lost, 0 duplicated", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TailFinishedStream_ReplaysThenStopsOn204WithExitZero()
    {
        await using var server = await ReferenceServers.StartAsync();
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("tail", $"{server.BaseAddress}workflow/executions/{id}/stream", "--format", "jsonl");

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(["type", "data", "id"], first.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("workflow.started", first.RootElement.GetProperty("type").GetString());
        Assert.Equal("1", first.RootElement.GetProperty("id").GetString());
        Assert.StartsWith("{\"executionId\"", first.RootElement.GetProperty("data").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TailWithLastEventId_ResumesAfterIt()
    {
        await using var server = await ReferenceServers.StartAsync();
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var (exitCode, stdout, _) = await WatcherProcess.RunAsync("tail", $"{server.BaseAddress}workflow/executions/{id}/stream", "--format", "jsonl", "--last-event-id", "6");

        Assert.Equal(0, exitCode);
        var ids = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString());
        Assert.Equal(["7", "8"], ids);
    }

    [Fact]
    public async Task TailUnknownStream_ExitsTwo()
    {
        await using var server = await ReferenceServers.StartAsync();

        var (exitCode, _, stderr) = await WatcherProcess.RunAsync("tail", $"{server.BaseAddress}workflow/executions/wf_exec_missing/stream");

        Assert.Equal(2, exitCode);
        Assert.Contains("404", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interrupted_StopsPromptlyWithExit130()
    {
        await using var server = await ReferenceServers.StartAsync();
        var id = await server.StartExecutionAsync("very-long", new { stages = 100, delayMs = 200 });
        using var watcher = WatcherProcess.Start("watch", id, "--server", server.BaseAddress.ToString(), "--format", "jsonl");
        await watcher.WaitForOutputAsync();

        using (var kill = Process.Start("kill", ["-INT", watcher.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.Equal(130, await watcher.WaitForExitAsync());
    }
}
