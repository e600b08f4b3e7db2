using System.Text;
using ResilientSse.Watcher.Doctor;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>The doctor's byte-level line reader: every WHATWG line end, any chunking, split UTF-8, exact byte counts.</summary>
public sealed class SseLineSplitterTests
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (var end in new[] { "\n", "\r\n", "\r" })
        {
            foreach (var chunk in new[] { 1, 2, 3, 1024 })
            {
                cases.Add(end, chunk);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Feed_AnyLineEndAndChunking_GivesTheSameLinesAndCountsEveryByte(string end, int chunk)
    {
        var text = $": keep-alive{end}{end}id: 7{end}data: {{\"é\":\"日本\"}}{end}{end}";
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new List<string>();
        long counted = 0;
        var splitter = new SseLineSplitter();

        for (var i = 0; i < bytes.Length; i += chunk)
        {
            splitter.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)), (line, size) =>
            {
                lines.Add(line);
                counted += size;
            });
        }

        Assert.Equal([": keep-alive", string.Empty, "id: 7", "data: {\"é\":\"日本\"}", string.Empty], lines);

        // With \r\n the last \n waits for the next line to be counted: everything before it is counted exactly.
        Assert.Equal(bytes.Length - (end == "\r\n" ? 1 : 0), counted);
    }

    [Fact]
    public void Feed_AHugeLine_IsCountedWholeButKeptOnlyInPart()
    {
        var splitter = new SseLineSplitter();
        var line = new byte[SseLineSplitter.MaxKeptBytes * 3];
        Array.Fill(line, (byte)'x');
        string? kept = null;
        long size = 0;

        splitter.Feed(line, (_, _) => Assert.Fail("no line end yet"));
        splitter.Feed("\n"u8, (text, bytes) => (kept, size) = (text, bytes));

        Assert.Equal(SseLineSplitter.MaxKeptBytes, kept!.Length);
        Assert.Equal(line.Length + 1, size);
    }
}
