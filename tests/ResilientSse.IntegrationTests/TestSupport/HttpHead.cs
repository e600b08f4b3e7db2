using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>The bits of HTTP/1.1 the proxy needs: read a head up to its blank line, rewrite a request head, parse a response head.</summary>
internal static class HttpHead
{
    public const int MaxHeadBytes = 16 * 1024;

    private static readonly string[] HopByHop = ["Connection", "Keep-Alive", "Proxy-Connection"];

    /// <summary>A parsed response head.</summary>
    public sealed record Response(int Status, bool Chunked, long? ContentLength, string? MediaType);

    /// <summary>
    /// Reads from <paramref name="socket"/> until the head's CRLFCRLF (at most <see cref="MaxHeadBytes"/>). Returns the
    /// bytes read (the head and whatever came after it) and the head's length, or a length of -1 when the peer closed first.
    /// </summary>
    /// <exception cref="InvalidDataException">The head is larger than <see cref="MaxHeadBytes"/>.</exception>
    public static async Task<(byte[] Bytes, int Read, int HeadLength)> ReadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes + 4096];
        var read = 0;
        while (true)
        {
            var count = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (count == 0)
            {
                return (buffer, read, -1);
            }

            var from = Math.Max(0, read - 3);
            read += count;
            var end = buffer.AsSpan(from, read - from).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (buffer, read, from + end + 4);
            }

            if (read > MaxHeadBytes)
            {
                throw new InvalidDataException($"The head is larger than {MaxHeadBytes} bytes.");
            }
        }
    }

    /// <summary>Splits a request head into its request line and headers (Latin-1, so that every byte survives).</summary>
    public static (string Method, string Target, List<(string Name, string Value)> Headers) ParseRequest(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new List<(string, string)>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        return (requestLine[0], requestLine.Length > 1 ? requestLine[1] : "/", headers);
    }

    /// <summary>The request head again, without hop-by-hop headers and with <c>Connection: close</c>: one request per connection.</summary>
    public static byte[] RewriteRequest(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n").Where(l => l.Length > 0).ToList();
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(l => !HopByHop.Any(h => l.StartsWith(h + ":", StringComparison.OrdinalIgnoreCase))));
        return Encoding.Latin1.GetBytes(string.Join("\r\n", kept) + "\r\nConnection: close\r\n\r\n");
    }

    /// <summary>The value of header <paramref name="name"/> as the client sent it, decoded as UTF-8 for display.</summary>
    public static string? Header(List<(string Name, string Value)> headers, string name)
    {
        var found = headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        return found.Count == 0 ? null : Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(string.Join(", ", found)));
    }

    public static Response ParseResponse(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var chunked = false;
        long? contentLength = null;
        string? mediaType = null;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                mediaType = value.Split(';')[0].Trim();
            }
        }

        return new Response(status, chunked, contentLength, mediaType);
    }
}
