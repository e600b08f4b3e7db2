using ResilientSse.Http.Internal;
using ResilientSse.Testing;

namespace ResilientSse.Tests.Http;

/// <summary>A server that sends interim (1xx) responses without end runs into the header limit, as one endless header would.</summary>
public sealed class Http1ResponseReaderLimitTests
{
    [Fact]
    public async Task ReadAsync_InterimResponsesWithoutEnd_FailsAtTheHeaderLimit()
    {
        // 1 MiB of "100 Continue" and then the end: a reader that reset its count per interim response would read it all.
        var connection = new RepeatingStream("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), totalBytes: 1 << 20);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:5080/stream");

        var error = await Assert.ThrowsAsync<HttpRequestException>(async () => await Http1ResponseReader.ReadAsync(connection, request, 16 * 1024, CancellationToken.None));

        Assert.Equal(HttpRequestError.ConfigurationLimitExceeded, error.HttpRequestError);
        Assert.True(connection.Served < 64 * 1024, $"the reader stopped near the limit ({connection.Served} bytes read)");
    }

    /// <summary>The same bytes again and again, up to a total, then the end.</summary>
    private sealed class RepeatingStream(byte[] pattern, int totalBytes) : ReadOnlyTestStream
    {
        public int Served { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = Math.Min(buffer.Length, totalBytes - Served);
            for (var i = 0; i < count; i++)
            {
                buffer.Span[i] = pattern[(Served + i) % pattern.Length];
            }

            Served += count;
            return ValueTask.FromResult(count);
        }
    }
}
