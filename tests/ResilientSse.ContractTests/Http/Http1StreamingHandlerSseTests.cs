using System.Net.Security;
using ResilientSse.ContractTests.TestSupport;
using ResilientSse.Http;
using ResilientSse.Streaming;

namespace ResilientSse.ContractTests.Http;

/// <summary>SseClient over the HTTP/1.1 handler against a server that writes a chunked stream step by step on loopback, in clear and under TLS.</summary>
public sealed class Http1StreamingHandlerSseTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SubscribeAsync_ChunkedStreamCutAfterTheSecondEvent_YieldsEachAsSentAndResumesWithLastEventId(bool tls)
    {
        using var certificate = tls ? SelfSignedCertificate.ForLoopback() : null;
        using var server = new StepwiseServer(certificate);
        var handler = new Http1StreamingHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate?.GetCertHashString() },
        };
        using var http = new HttpClient(handler);
        var options = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(10), MaxReconnectDelay = TimeSpan.FromMilliseconds(50), IdleTimeout = TimeSpan.FromSeconds(10) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var subscription = new SseClient(http, options).SubscribeAsync(server.Address, cancellationToken: timeout.Token);
        await using var events = subscription.GetAsyncEnumerator(timeout.Token);

        var accepting = server.AcceptAsync();
        var first = events.MoveNextAsync().AsTask();
        var connection = await accepting;
        await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + Chunk("id: 1\ndata: one\n\n"));
        Assert.True(await first.WaitAsync(Patience));
        Assert.Equal(("1", "one"), (events.Current.EventId, events.Current.Data));

        // The second event is sent only once the first has been yielded, and then the connection is cut mid-chunk.
        await connection.WriteAsync(Chunk("id: 2\ndata: two\n\n") + "40\r\nid: 3\ndata: cut");
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(("2", "two"), (events.Current.EventId, events.Current.Data));
        var second = server.AcceptAsync();
        var ending = events.MoveNextAsync().AsTask();
        await connection.DisposeAsync();

        await using var resumed = await second;
        Assert.Contains("\r\nLast-Event-ID: 2\r\n", resumed.Head, StringComparison.Ordinal);
        await resumed.WriteAsync("HTTP/1.1 204 No Content\r\n\r\n");
        Assert.False(await ending.WaitAsync(Patience));
    }

    private static string Chunk(string payload) => $"{System.Text.Encoding.UTF8.GetByteCount(payload):x}\r\n{payload}\r\n";
}
