using System.Buffers;
using System.Net.Http.Headers;
using System.Text;

namespace ResilientSse.Http.Internal;

/// <summary>
/// Writes an HTTP/1.1 request (RFC 9112 §3) from a pooled buffer in one write: the request line, <c>Host</c>, the
/// request's and its content's headers as text (values as UTF-8), and a <c>Content-Length</c> for a body.
/// </summary>
internal static class Http1RequestWriter
{
    private const int InitialBufferSize = 1024;

    /// <exception cref="InvalidOperationException">A header value holds a line break or NUL, which HTTP/1.1 cannot carry.</exception>
    public static async ValueTask WriteAsync(Stream connection, HttpRequestMessage request, Uri uri, byte[]? body, CancellationToken cancellationToken)
    {
        var writer = new Writer(InitialBufferSize);
        try
        {
            WriteHead(ref writer, request, uri, body);
            if (body is not null && body.Length <= 4096)
            {
                writer.Append(body);
                body = null;
            }

            await connection.WriteAsync(writer.Written, cancellationToken).ConfigureAwait(false);
            if (body is not null)
            {
                await connection.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            }

            await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static void WriteHead(ref Writer writer, HttpRequestMessage request, Uri uri, byte[]? body)
    {
        writer.Append(request.Method.Method);
        writer.Append(" "u8);
        writer.Append(uri.PathAndQuery);
        writer.Append(" HTTP/1.1\r\nHost: "u8);
        if (request.Headers.NonValidated.TryGetValues("Host", out var host))
        {
            writer.AppendValue("Host", host.ToString());
        }
        else
        {
            writer.Append(uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost);
            if (!uri.IsDefaultPort)
            {
                writer.Append(":"u8);
                writer.Append(uri.Port);
            }
        }

        writer.Append("\r\n"u8);
        AppendHeaders(ref writer, request.Headers);
        if (request.Content is { } content)
        {
            AppendHeaders(ref writer, content.Headers);
        }

        if (body is not null || request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch)
        {
            writer.Append("Content-Length: "u8);
            writer.Append(body?.Length ?? 0);
            writer.Append("\r\n"u8);
        }

        writer.Append("\r\n"u8);
    }

    private static void AppendHeaders(ref Writer writer, HttpHeaders headers)
    {
        foreach (var (name, values) in headers.NonValidated)
        {
            // The handler frames the message itself: its Host, its Content-Length, no chunked request body.
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            writer.Append(name);
            writer.Append(": "u8);
            var first = true;
            foreach (var value in values)
            {
                if (!first)
                {
                    writer.Append(name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; "u8 : ", "u8);
                }

                writer.AppendValue(name, value);
                first = false;
            }

            writer.Append("\r\n"u8);
        }
    }

    /// <summary>A growable pooled byte buffer.</summary>
    private struct Writer : IDisposable
    {
        private byte[] _buffer;
        private int _length;

        public Writer(int size) => _buffer = ArrayPool<byte>.Shared.Rent(size);

        public readonly ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

        public void Append(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
        }

        public void Append(string text)
        {
            Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
            _length += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_length));
        }

        public void Append(long number)
        {
            Ensure(20);
            number.TryFormat(_buffer.AsSpan(_length), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
            _length += written;
        }

        public void AppendValue(string name, string value)
        {
            if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                throw new InvalidOperationException($"The request's {name} header holds a line break or NUL, which an HTTP/1.1 request cannot carry.");
            }

            Append(value);
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        private void Ensure(int count)
        {
            if (_length + count <= _buffer.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }
}
