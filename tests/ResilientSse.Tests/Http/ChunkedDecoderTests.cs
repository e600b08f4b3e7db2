using System.Text;
using ResilientSse.Http.Internal;

namespace ResilientSse.Tests.Http;

/// <summary>
/// Chunked framing removed in place (RFC 9112 §7.1): every case runs with CRLF and bare LF line ends, whole, one byte at
/// a time, and split at every point in two.
/// </summary>
public sealed class ChunkedDecoderTests
{
    public static TheoryData<string> LineEnds => ["\r\n", "\n"];

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Decode_OneChunk_YieldsItsData(string lineEnd) =>
        AssertDecodesInEverySplit("5\n" + "hello\n" + "0\n\n", "hello", lineEnd);

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Decode_SeveralChunks_YieldsTheirDataInOrder(string lineEnd) =>
        AssertDecodesInEverySplit("3\nabc\n" + "1\nd\n" + "6\nefghij\n" + "0\n\n", "abcdefghij", lineEnd);

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Decode_HexSizesInUpperAndLowerCase_ReadAsHex(string lineEnd)
    {
        var a = new string('a', 0x1A);
        var b = new string('b', 0x2c);
        AssertDecodesInEverySplit($"1A\n{a}\n" + $"2c\n{b}\n" + "0\n\n", a + b, lineEnd);
    }

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Decode_ChunkExtensions_AreIgnored(string lineEnd) =>
        AssertDecodesInEverySplit("5;name=value\nhello\n" + "1 ; a=\"b c\";d\n!\n" + "0;last\n\n", "hello!", lineEnd);

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Decode_TrailerSection_IsSkippedAndEndsTheBody(string lineEnd) =>
        AssertDecodesInEverySplit("4\nbody\n" + "0\nChecksum: abc\nX-Other: 1\n\n", "body", lineEnd);

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Decode_LeadingZerosInTheSize_AreTheSameSize(string lineEnd) =>
        AssertDecodesInEverySplit("0004\nbody\n" + "000\n\n", "body", lineEnd);

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Decode_MultiByteCharacterSplitAcrossChunks_ComesOutWhole(string lineEnd)
    {
        var payload = Encoding.UTF8.GetBytes("é€😀");
        var end = Encoding.ASCII.GetBytes(lineEnd);
        byte[] encoded = [.. "1"u8, .. end, payload[0], .. end, .. "8"u8, .. end, .. payload[1..], .. end, .. "0"u8, .. end, .. end];

        AssertDecodesInEverySplit(encoded, "é€😀");
    }

    [Theory]
    [MemberData(nameof(LineEnds))]
    public void Decode_BytesAfterTheLastChunk_AreIgnored(string lineEnd)
    {
        var decoder = new ChunkedDecoder();
        var buffer = Bytes("2\nok\n0\n\nHTTP/1.1 200 OK\n\n", lineEnd);

        var written = decoder.Decode(buffer);

        Assert.Equal("ok", Encoding.ASCII.GetString(buffer, 0, written));
        Assert.True(decoder.IsDone);
        Assert.Equal(0, decoder.Decode(Bytes("5\nhello\n", lineEnd)));
    }

    [Fact]
    public void Decode_FramingOnly_YieldsNothingAndIsNotDone()
    {
        var decoder = new ChunkedDecoder();

        Assert.Equal(0, decoder.Decode("5;ext\r\n"u8.ToArray()));
        Assert.False(decoder.IsDone);
    }

    [Theory]
    [InlineData("x\r\n", "byte 0x78 where a chunk size was expected")]
    [InlineData("\r\n", "byte 0x0D where a chunk size was expected")]
    [InlineData(";ext\r\n", "byte 0x3B where a chunk size was expected")]
    [InlineData("5\rx", "byte 0x78 after a carriage return instead of a line feed")]
    [InlineData("3\r\nabcd\r\n", "byte 0x64 after a chunk's data instead of its line end")]
    [InlineData("3\r\nabc\rx", "byte 0x78 after a chunk's data instead of its line end")]
    [InlineData("0\r\n\rx", "byte 0x78 after a carriage return instead of a line feed")]
    [InlineData("8000000000000000\r\n", "a chunk size larger than any body")]
    [InlineData("FFFFFFFFFFFFFFFFF\r\n", "a chunk size larger than any body")]
    public void Decode_InvalidFraming_ThrowsInvalidResponseNamingTheProblem(string framing, string problem)
    {
        foreach (var pieces in new byte[][][] { [Encoding.ASCII.GetBytes(framing)], Encoding.ASCII.GetBytes(framing).Select(b => new[] { b }).ToArray() })
        {
            var ex = Assert.Throws<HttpIOException>(() => DecodeAll(pieces));

            Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
            Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Decode_LargestChunkSize_IsAccepted()
    {
        var decoder = new ChunkedDecoder();

        Assert.Equal(3, decoder.Decode("7FFFFFFFFFFFFFFF\r\nabc"u8.ToArray()));
    }

    [Fact]
    public void Decode_ExtensionAtTheLimit_IsAcceptedAndOneByteLongerIsRefused()
    {
        var atLimit = Encoding.ASCII.GetBytes("1;" + new string('e', ChunkedDecoder.MaxFramingLineLength) + "\r\nx\r\n0\r\n\r\n");
        var overLimit = Encoding.ASCII.GetBytes("1;" + new string('e', ChunkedDecoder.MaxFramingLineLength + 1) + "\r\nx\r\n0\r\n\r\n");

        Assert.Equal("x", DecodeAll([atLimit]));
        var ex = Assert.Throws<HttpIOException>(() => DecodeAll([overLimit]));
        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
        Assert.Contains($"a chunk extension longer than {ChunkedDecoder.MaxFramingLineLength} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TrailerSectionOverTheLimit_IsRefused()
    {
        var trailers = string.Concat(Enumerable.Repeat("X-T: " + new string('t', 1000) + "\r\n", 20));
        var body = Encoding.ASCII.GetBytes("0\r\n" + trailers + "\r\n");

        var ex = Assert.Throws<HttpIOException>(() => DecodeAll([body]));

        Assert.Equal(HttpRequestError.InvalidResponse, ex.HttpRequestError);
        Assert.Contains("the trailer section longer than", ex.Message, StringComparison.Ordinal);
    }

    private static void AssertDecodesInEverySplit(string encoded, string payload, string lineEnd) =>
        AssertDecodesInEverySplit(Bytes(encoded, lineEnd), payload);

    private static void AssertDecodesInEverySplit(byte[] bytes, string payload)
    {
        Assert.Equal(payload, DecodeAll([bytes]));
        Assert.Equal(payload, DecodeAll(bytes.Select(b => new[] { b }).ToArray()));
        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(payload, DecodeAll([bytes[..split], bytes[split..]]));
        }
    }

    /// <summary>Decodes the pieces in turn, each in place, and requires the decoder to finish on the last.</summary>
    private static string DecodeAll(byte[][] pieces)
    {
        var decoder = new ChunkedDecoder();
        var payload = new List<byte>();
        foreach (var piece in pieces)
        {
            var buffer = (byte[])piece.Clone();
            var written = decoder.Decode(buffer);
            payload.AddRange(buffer.AsSpan(0, written));
        }

        Assert.True(decoder.IsDone, "The decoder did not reach the end of the body.");
        return Encoding.UTF8.GetString([.. payload]);
    }

    private static byte[] Bytes(string text, string lineEnd) => Encoding.UTF8.GetBytes(text.Replace("\n", lineEnd, StringComparison.Ordinal));
}
