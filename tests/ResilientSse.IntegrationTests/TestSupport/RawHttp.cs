using System.Net.Sockets;
using System.Text;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Writes a request as raw bytes over a TcpClient (for what HttpClient refuses to send) and reads the whole answer.</summary>
internal static class RawHttp
{
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? ContentType => Headers.TryGetValue("content-type", out var value) ? value : null;
    }

    /// <summary>Sends <paramref name="request"/> (which should say <c>Connection: close</c>) and reads until the server closes, at most 10 s.</summary>
    public static async Task<Answer> SendAsync(Uri baseAddress, byte[] request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, timeout.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer (413) and close before the whole body is written; its answer is still there to read.
        }

        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // Kestrel may reset the connection after a rejection; what arrived before is the answer.
        }

        return Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    /// <summary>Builds a request from its head lines (CRLF added) and a body written as given.</summary>
    public static byte[] Request(IEnumerable<string> head, byte[]? body = null)
    {
        var bytes = new List<byte>(Encoding.Latin1.GetBytes(string.Join("\r\n", head) + "\r\n\r\n"));
        bytes.AddRange(body ?? []);
        return [.. bytes];
    }

    private static Answer Parse(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = (end < 0 ? text : text[..end]).Split("\r\n");
        var status = head[0].Split(' ') is [_, var code, ..] && int.TryParse(code, out var parsed) ? parsed : 0;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var body = end < 0 ? "" : text[(end + 4)..];
        return new Answer(status, headers, headers.TryGetValue("transfer-encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var at = 0;
        while (body.IndexOf("\r\n", at, StringComparison.Ordinal) is var lineEnd and > 0
            && int.TryParse(body.AsSpan(at, lineEnd - at), System.Globalization.NumberStyles.HexNumber, null, out var size) && size > 0
            && lineEnd + 2 + size <= body.Length)
        {
            result.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }
}
