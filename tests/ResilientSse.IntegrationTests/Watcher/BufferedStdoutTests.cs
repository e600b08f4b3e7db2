using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ResilientSse.Watcher.Output;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>The watcher's stdout: event lines wait in a buffer until the stream goes quiet, a stderr line, or the end.</summary>
public sealed class BufferedStdoutTests
{
    private readonly MemoryStream _written = new();

    [Fact]
    public void AppendJsonLine_BeforeFlush_WritesNothingThenEveryLineInOneGo()
    {
        using var stdout = new BufferedStdout(_written);

        stdout.AppendJsonLine(("message", "a", "1"), Tail);
        stdout.AppendJsonLine(("message", "b", "2"), Tail);

        Assert.Equal(0, _written.Length);
        stdout.Flush();
        Assert.Equal("{\"type\":\"message\",\"data\":\"a\",\"id\":\"1\"}\n{\"type\":\"message\",\"data\":\"b\",\"id\":\"2\"}\n", Written());
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("café 😀 日本語 \"q\" \\ </script> & ' + \t \u2028 \u0001")]
    [InlineData("line one\nline two\n")]
    public void AppendJsonLine_AnyData_SameBytesAsTheFormattedLine(string data)
    {
        using var stdout = new BufferedStdout(_written);

        stdout.AppendJsonLine(("message", data, "7"), Tail);
        stdout.Flush();

        Assert.Equal(Encoding.UTF8.GetBytes(JsonLines.FormatTail("message", data, "7") + "\n"), _written.ToArray());
    }

    [Fact]
    public void AppendJsonLine_LargerThanTheBuffer_WritesEveryByteInOrder()
    {
        using var stdout = new BufferedStdout(_written, capacity: 1024);
        var big = string.Concat(Enumerable.Repeat("xé😀\"", 5000));

        stdout.AppendJsonLine(("message", "before", "1"), Tail);
        stdout.AppendJsonLine(("big", big, "2"), Tail);
        stdout.AppendLine("after");
        stdout.Flush();

        Assert.Equal(JsonLines.FormatTail("message", "before", "1") + "\n" + JsonLines.FormatTail("big", big, "2") + "\nafter\n", Written());
    }

    [Fact]
    public void WriteLine_AfterBufferedLines_WritesThemAndTheLineAtOnce()
    {
        using var stdout = new BufferedStdout(_written);
        stdout.AppendLine("event 1");

        stdout.WriteLine("Summary");

        Assert.Equal("event 1\nSummary\n", Written());
    }

    [Fact]
    public async Task MoveNextFlushingWhenQuietAsync_NextItemReady_KeepsBuffering()
    {
        using var stdout = new BufferedStdout(_written);
        var items = Channel.CreateUnbounded<int>();
        items.Writer.TryWrite(1);
        await using var events = items.Reader.ReadAllAsync().GetAsyncEnumerator();
        stdout.AppendLine("event 0");

        Assert.True(await stdout.MoveNextFlushingWhenQuietAsync(events));

        Assert.Equal(0, _written.Length);
    }

    [Fact]
    public async Task MoveNextFlushingWhenQuietAsync_NothingReady_WritesTheBufferBeforeWaiting()
    {
        using var stdout = new BufferedStdout(_written);
        var items = Channel.CreateUnbounded<int>();
        await using var events = items.Reader.ReadAllAsync().GetAsyncEnumerator();
        stdout.AppendLine("event 0");

        var next = stdout.MoveNextFlushingWhenQuietAsync(events);

        Assert.False(next.IsCompleted);
        Assert.Equal("event 0\n", Written());
        items.Writer.TryWrite(1);
        Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void StderrAfterStdout_WriteLine_WritesTheBufferedEventLinesFirst()
    {
        var order = new List<string>();
        using var stdout = new BufferedStdout(new RecordingStream(order));
        using var stderr = new StderrAfterStdout(new RecordingWriter(order), stdout);
        stdout.AppendLine("event 1");

        stderr.WriteLine("ssewatch: lost the stream");
        stdout.AppendLine("event 2");
        stdout.Flush();

        Assert.Equal(["stdout: event 1\n", "stderr: ssewatch: lost the stream", "stdout: event 2\n"], order);
    }

    private static void Tail(Utf8JsonWriter writer, (string Type, string Data, string Id) e) => JsonLines.WriteTail(writer, e.Type, e.Data, e.Id);

    private string Written() => Encoding.UTF8.GetString(_written.ToArray());

    private sealed class RecordingStream(List<string> order) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => order.Add("stdout: " + Encoding.UTF8.GetString(buffer, offset, count));
    }

    private sealed class RecordingWriter(List<string> order) : StringWriter
    {
        public override void WriteLine(string? value) => order.Add("stderr: " + value);
    }
}
