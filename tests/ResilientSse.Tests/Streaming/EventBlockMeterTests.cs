using System.Text;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Streaming;

public class EventBlockMeterTests
{
    public static TheoryData<string> Streams => new()
    {
        "data: a\n\n",
        "data: a\r\n\r\n",
        "data: a\r\rdata: b\r\r",
        "data: a\n\r\ndata: b\r\n\n",
        "id: 1\ndata: x\n\nid: 2\ndata: y\r\n\r\n: comment\r\rdata: z",
        "\n\n\r\n\r\r\n",
        "data: é€𝄞\r\n\r\ndata: partial\r",
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Observe_AnyChunking_AgreesWithAByteByByteReference(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        foreach (var chunkSize in new[] { 1, 2, 3, 7, bytes.Length })
        {
            var meter = new EventBlockMeter(1 << 20);
            for (var offset = 0; offset < bytes.Length; offset += chunkSize)
            {
                var end = Math.Min(offset + chunkSize, bytes.Length);
                meter.Observe(bytes.AsSpan(offset, end - offset));
                Assert.Equal(Reference(bytes.AsSpan(0, end)), meter.BytesSinceBoundary);
            }
        }
    }

    [Fact]
    public void Observe_RandomStreamsInRandomChunks_AgreeWithTheReference()
    {
        var random = new Random(1234);
        var alphabet = "ab:\r\n"u8.ToArray();
        for (var round = 0; round < 500; round++)
        {
            var bytes = Enumerable.Range(0, random.Next(1, 60)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray();
            var meter = new EventBlockMeter(1 << 20);
            for (var offset = 0; offset < bytes.Length;)
            {
                var size = Math.Min(random.Next(1, 9), bytes.Length - offset);
                meter.Observe(bytes.AsSpan(offset, size));
                offset += size;
                Assert.Equal(Reference(bytes.AsSpan(0, offset)), meter.BytesSinceBoundary);
            }
        }
    }

    [Fact]
    public void Observe_CrlfSplitAcrossReads_IsOneLineEnd()
    {
        var meter = new EventBlockMeter(1 << 20);

        meter.Observe("data: a\r"u8);
        meter.Observe("\n"u8);
        Assert.False(meter.AtBoundary);
        meter.Observe("\r"u8);
        Assert.True(meter.AtBoundary);
        meter.Observe("\n"u8);
        Assert.True(meter.AtBoundary);
    }

    [Fact]
    public void Observe_LineLongerThanTheLimit_ThrowsBeforeItEnds()
    {
        var meter = new EventBlockMeter(100);
        meter.Observe(Encoding.UTF8.GetBytes("data: " + new string('x', 90)));

        var ex = Assert.Throws<SseLimitExceededException>(() => meter.Observe("xxxxxxxxxxxx"u8));

        Assert.Equal(100, ex.Limit);
        Assert.Contains("MaxEventSize (100 bytes)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_ManyShortLinesBeyondTheLimitInOneBlock_Throws()
    {
        var meter = new EventBlockMeter(100);

        Assert.Throws<SseLimitExceededException>(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                meter.Observe("data: 0123\n"u8);
            }
        });
    }

    [Fact]
    public void Observe_OversizedBlockEndingInsideOneRead_Throws()
    {
        var meter = new EventBlockMeter(64);
        var bytes = Encoding.UTF8.GetBytes("data: " + new string('x', 80) + "\n\ndata: ok\n\n");

        Assert.Throws<SseLimitExceededException>(() => meter.Observe(bytes));
    }

    [Fact]
    public void Observe_BlockOfExactlyTheLimitAfterACrlfBlankLine_PassesHoweverTheReadsAreCut()
    {
        var bytes = "data: a\r\r\ndata: b\r\n\r\n"u8.ToArray();
        foreach (var cut in new[] { 1, 5, 9, bytes.Length })
        {
            var meter = new EventBlockMeter(10); // the first block is 9 bytes, the second 10 measured to its blank line
            meter.Observe(bytes.AsSpan(0, cut));
            meter.Observe(bytes.AsSpan(cut));
            Assert.True(meter.AtBoundary);
        }
    }

    [Fact]
    public void Observe_BlocksJustUnderTheLimit_Pass()
    {
        var meter = new EventBlockMeter(64);
        var block = Encoding.UTF8.GetBytes("data: " + new string('x', 56) + "\n\n"); // 64 bytes with its blank line

        for (var i = 0; i < 100; i++)
        {
            meter.Observe(block);
        }

        Assert.True(meter.AtBoundary);
    }

    /// <summary>Bytes since the end of the last blank line, computed the obvious way over the whole prefix.</summary>
    private static long Reference(ReadOnlySpan<byte> bytes)
    {
        var boundaryEnd = 0;
        var lineStart = true;
        var pendingCr = false;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (pendingCr && b == '\n')
            {
                pendingCr = false;
                if (boundaryEnd == i)
                {
                    boundaryEnd = i + 1; // the LF that completes a blank line's CRLF
                }

                continue;
            }

            pendingCr = b == '\r';
            if (b is (byte)'\r' or (byte)'\n')
            {
                if (lineStart)
                {
                    boundaryEnd = i + 1;
                }

                lineStart = true;
            }
            else
            {
                lineStart = false;
            }
        }

        return bytes.Length - boundaryEnd;
    }
}
