using System.Text;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>
/// The console watcher buffers its event lines on stdout yet never keeps a live reader waiting: a real process, its
/// stdout a pipe, against fixed streams.
/// </summary>
public sealed class WatcherOutputTests
{
    // Starting a process on a busy 2-core machine takes seconds; the silence after the event lasts until the test ends.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("tail", "jsonl")]
    [InlineData("tail", "text")]
    [InlineData("watch", "jsonl")]
    [InlineData("watch", "text")]
    public async Task OneEventThenSilence_LineReachesTheReaderWithoutWaitingForMore(string command, string format)
    {
        await using var server = await FixedStreamServer.StartAsync();
        string[] args = command == "tail"
            ? ["tail", new Uri(server.BaseAddress, "silent").AbsoluteUri, "--format", format]
            : ["watch", FixedStreamServer.SilentExecution, "--server", server.BaseAddress.AbsoluteUri, "--format", format];
        using var watcher = WatcherProcess.Start(args);

        // "watch --format text" starts with a "Watching" line; the event is the line after it.
        await watcher.WaitForOutputAsync(Prompt);
        if (command == "watch" && format == "text")
        {
            await watcher.WaitForOutputAsync(Prompt);
        }

        Assert.Contains("workflow.started", watcher.Stdout, StringComparison.Ordinal);
        Assert.Empty(watcher.Stderr);
    }

    [Theory]
    [InlineData("jsonl", "tail-fixed.jsonl")]
    [InlineData("text", "tail-fixed.txt")]
    public async Task Tail_FixedStream_WritesExactlyTheExpectedBytes(string format, string expected)
    {
        await using var server = await FixedStreamServer.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunForBytesAsync("tail", new Uri(server.BaseAddress, "tail").AbsoluteUri, "--format", format);

        Assert.True(exitCode == 0, stderr);
        AssertSameBytes(FixedStreamServer.Fixture(expected), stdout);
    }

    [Fact]
    public async Task WatchJsonl_FixedStream_WritesExactlyTheExpectedBytes()
    {
        await using var server = await FixedStreamServer.StartAsync();

        var (exitCode, stdout, stderr) = await WatcherProcess.RunForBytesAsync("watch", FixedStreamServer.FixedExecution, "--server", server.BaseAddress.AbsoluteUri, "--format", "jsonl");

        Assert.True(exitCode == 0, stderr);
        AssertSameBytes(FixedStreamServer.Fixture("watch-fixed.jsonl"), stdout);
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var at = expected.AsSpan().CommonPrefixLength(actual);
        var around = Math.Max(0, at - 40);
        Assert.Fail($"stdout differs from byte {at} on ({actual.Length} bytes, {expected.Length} expected): " +
            $"expected …{Encoding.UTF8.GetString(expected.AsSpan(around, Math.Min(80, expected.Length - around)))}… " +
            $"got …{Encoding.UTF8.GetString(actual.AsSpan(around, Math.Min(80, actual.Length - around)))}…");
    }
}
