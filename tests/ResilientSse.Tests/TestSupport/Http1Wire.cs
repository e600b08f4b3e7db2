using System.Text;
using ResilientSse.Http.Internal;

namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// Scripted HTTP/1.1 responses for the handler's reader and body: the text's <c>\n</c> become the line end under test,
/// and the connection answers as given or one byte per read.
/// </summary>
internal static class Http1Wire
{
    /// <summary>Gets every (line end, one byte per read) combination a framing case runs under.</summary>
    public static TheoryData<string, bool> Variants => new()
    {
        { "\r\n", false },
        { "\n", false },
        { "\r\n", true },
        { "\n", true },
    };

    public static byte[] Bytes(string text, string lineEnd) => Encoding.UTF8.GetBytes(text.Replace("\n", lineEnd, StringComparison.Ordinal));

    public static ScriptedConnectionStream Connection(string lineEnd, bool oneBytePerRead, params string[] segments) =>
        new(segments.Select(s => Bytes(s, lineEnd)), oneBytePerRead);

    public static async Task<HttpResponseMessage> ReadAsync(Stream connection, HttpMethod? method = null, int maxHeadersLength = 64 * 1024)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, "http://127.0.0.1/stream");
        return await Http1ResponseReader.ReadAsync(connection, request, maxHeadersLength, CancellationToken.None);
    }

    /// <summary>Reads the whole body through reads of at most <paramref name="readSize"/> bytes.</summary>
    public static async Task<string> ReadBodyAsync(HttpResponseMessage response, int readSize = 64)
    {
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[readSize];
        var bytes = new List<byte>();
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            bytes.AddRange(buffer.AsSpan(0, read));
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
