using System.Buffers;

namespace ResilientSse.Http.Internal;

/// <summary>
/// Reads an HTTP/1.1 response's status line and header section (RFC 9112 §4–5) from a pooled buffer, skips interim
/// (1xx) responses, and returns the response with its body positioned after the headers. Header values are kept as
/// text, unparsed, as <see cref="System.Net.Http.Headers.HttpHeaders.TryAddWithoutValidation(string, string)"/> takes them.
/// </summary>
internal static class Http1ResponseReader
{
    private const int InitialBufferSize = 4096;

    /// <exception cref="HttpRequestException">The response is not HTTP/1.x, or its header section is too long or cut short.</exception>
    public static ValueTask<HttpResponseMessage> ReadAsync(Stream connection, HttpRequestMessage request, int maxHeadersLength, CancellationToken cancellationToken) =>
        ReadAsync(connection, request, maxHeadersLength, reuse: null, cancellationToken);

    /// <param name="connection">The connection the request went out on.</param>
    /// <param name="request">The request.</param>
    /// <param name="maxHeadersLength">The most bytes the status line and headers may take.</param>
    /// <param name="reuse">Where the connection goes after a body that ended cleanly, unless the response says close.</param>
    /// <param name="cancellationToken">Cancels the wait for the headers.</param>
    /// <exception cref="Http1NoResponseException">The connection ended or failed before a single byte of a response.</exception>
    /// <exception cref="HttpRequestException">The response is not HTTP/1.x, or its header section is too long or cut short.</exception>
    public static async ValueTask<HttpResponseMessage> ReadAsync(
        Stream connection, HttpRequestMessage request, int maxHeadersLength, Http1Reuse? reuse, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, maxHeadersLength));
        var (start, scanned, end) = (0, 0, 0);
        var head = new Http1ResponseHead(request, reuse, maxHeadersLength);
        try
        {
            while (true)
            {
                // Every complete line so far, then read more.
                while (buffer.AsSpan(scanned, end - scanned).IndexOf((byte)'\n') is var newLine and >= 0)
                {
                    var line = buffer.AsSpan(start, scanned + newLine - start);
                    (start, scanned) = (scanned + newLine + 1, scanned + newLine + 1);
                    if (head.Add(line.EndsWith("\r"u8) ? line[..^1] : line, line.Length + 1))
                    {
                        var owned = buffer;
                        buffer = null!; // the body owns it from here, whatever happens next
                        return head.Complete(connection, owned, start, end);
                    }
                }

                scanned = end;
                head.CheckRoomFor(end - start);

                if (end == buffer.Length)
                {
                    (buffer, scanned, end) = Shift(buffer, start, end, maxHeadersLength);
                    start = 0;
                }

                int read;
                try
                {
                    read = await connection.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    throw end == 0 && head.IsEmpty ? new Http1NoResponseException(request.RequestUri, ex)
                        : new HttpRequestException(HttpRequestError.ResponseEnded,
                            $"The connection to {request.RequestUri} failed while the response's headers were read: {ex.Message}", ex);
                }

                if (read == 0)
                {
                    throw end == 0 && head.IsEmpty ? new Http1NoResponseException(request.RequestUri, null)
                        : new HttpRequestException(HttpRequestError.ResponseEnded, $"The server at {request.RequestUri} closed the connection before the end of the response's headers.");
                }

                end += read;
            }
        }
        catch
        {
            head.Dispose();
            throw;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Moves the unfinished line to the front, into a larger buffer if it fills this one.</summary>
    private static (byte[] Buffer, int Scanned, int End) Shift(byte[] buffer, int start, int end, int maxHeadersLength)
    {
        var pending = end - start;
        var target = start > 0 ? buffer : ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxHeadersLength));
        buffer.AsSpan(start, pending).CopyTo(target);
        if (target != buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (target, pending, pending);
    }
}
