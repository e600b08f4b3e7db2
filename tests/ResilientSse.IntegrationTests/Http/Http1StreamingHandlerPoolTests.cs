using System.Net;
using System.Net.Sockets;
using System.Text;
using ResilientSse.Http;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Http;

/// <summary>
/// <see cref="Http1StreamingHandler"/> keeps a connection whose response ended cleanly for the next request, drops one
/// the server closed while it was idle, and sends an idempotent request again when its pooled connection turns out
/// closed before any response; over real loopback sockets.
/// </summary>
public sealed class Http1StreamingHandlerPoolTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SendAsync_SnapshotsReadOneAfterAnother_ShareOneConnection()
    {
        await using var server = await ReferenceServers.StartAsync(_ => { });
        var connections = 0;
        using var handler = new Http1StreamingHandler { ConnectCallback = CountingConnect(() => Interlocked.Increment(ref connections)) };
        using var http = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("quick");

        for (var i = 0; i < 5; i++)
        {
            using var response = await http.GetAsync($"workflow/executions/{id}").WaitAsync(Bound);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(id, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, connections);
    }

    [Fact]
    public async Task SendAsync_ServerClosedThePooledConnectionWhileIdle_OpensANewOne()
    {
        using var listener = Listen();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = Task.Run(async () =>
        {
            using (var first = await listener.AcceptSocketAsync())
            {
                await ReadRequestAsync(first);
                await first.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
                first.Shutdown(SocketShutdown.Send); // closes while the client keeps it in its pool
            }

            closed.SetResult();
            using var second = await listener.AcceptSocketAsync();
            await ReadRequestAsync(second);
            await second.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain"u8.ToArray());
            await ReadRequestAsync(second); // until the client closes
        });
        using var http = new HttpClient(new Http1StreamingHandler()) { BaseAddress = Address(listener) };

        Assert.Equal("ok", await http.GetStringAsync("one").WaitAsync(Bound));
        await closed.Task.WaitAsync(Bound);
        Assert.Equal("again", await http.GetStringAsync("two").WaitAsync(Bound));
        http.Dispose();
        await serving.WaitAsync(Bound);
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("POST", false)]
    public async Task SendAsync_PooledConnectionClosedOnTheRequest_SendsAnIdempotentRequestAgainOnly(string method, bool sentAgain)
    {
        using var listener = Listen();
        var accepted = 0;
        var serving = Task.Run(async () =>
        {
            using (var first = await listener.AcceptSocketAsync())
            {
                accepted++;
                await ReadRequestAsync(first);
                await first.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray());
                await ReadRequestAsync(first); // the second request came on the pooled connection: close without a response
            }

            if (sentAgain)
            {
                using var second = await listener.AcceptSocketAsync();
                accepted++;
                await ReadRequestAsync(second);
                await second.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain"u8.ToArray());
                await ReadRequestAsync(second);
            }
        });
        using var http = new HttpClient(new Http1StreamingHandler()) { BaseAddress = Address(listener) };
        Assert.Equal("ok", await http.GetStringAsync("one").WaitAsync(Bound));

        using var request = new HttpRequestMessage(new HttpMethod(method), "two");
        if (sentAgain)
        {
            using var response = await http.SendAsync(request).WaitAsync(Bound);
            Assert.Equal("again", await response.Content.ReadAsStringAsync());
        }
        else
        {
            var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.SendAsync(request).WaitAsync(Bound));
            Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        }

        http.Dispose();
        await serving.WaitAsync(Bound);
        Assert.Equal(sentAgain ? 2 : 1, accepted);
    }

    [Fact]
    public async Task SendAsync_CancelledWhileWaitingForTheHeaders_ThrowsCanceledAndClosesTheConnection()
    {
        using var listener = Listen();
        using var cancel = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            await ReadRequestAsync(socket);
            await cancel.CancelAsync(); // the request is here; no response will come
            return await socket.ReceiveAsync(new byte[16]); // 0 once the client has closed the connection
        });
        using var http = new HttpClient(new Http1StreamingHandler()) { BaseAddress = Address(listener) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => http.GetAsync("stream", HttpCompletionOption.ResponseHeadersRead, cancel.Token).WaitAsync(Bound));

        Assert.Equal(0, await serving.WaitAsync(Bound));
    }

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static Uri Address(TcpListener listener) => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");

    /// <summary>Reads one request's head (these requests have no body), or to the close.</summary>
    private static async Task ReadRequestAsync(Socket socket)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer);
            if (read == 0)
            {
                return;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    private static Func<DnsEndPoint, CancellationToken, ValueTask<Stream>> CountingConnect(Action connected) => async (endPoint, cancellationToken) =>
    {
        connected();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, cancellationToken);
        return new NetworkStream(socket, ownsSocket: true);
    };
}
