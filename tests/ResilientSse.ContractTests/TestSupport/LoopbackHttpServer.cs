using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 for tests that need exact bytes, or exact timing, on the wire (WireMock answers
/// a body in one piece and writes only well-formed headers): it accepts connections, reads each request's head, and
/// hands the connection to <see cref="ServeAsync"/>. Subclasses call <see cref="StartAccepting"/> once constructed.
/// </summary>
internal abstract class LoopbackHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    protected LoopbackHttpServer()
    {
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/stream");
    }

    public Uri Address { get; }

    /// <summary>Gets the token that ends every connection when the server is disposed.</summary>
    protected CancellationToken Stopping => _stop.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts accepting connections; called by the subclass at the end of its constructor.</summary>
    protected void StartAccepting() => _accepting = AcceptAsync();

    /// <summary>Answers one request whose head (request line and headers, decoded as UTF-8) was read from <paramref name="stream"/>.</summary>
    protected abstract Task ServeAsync(TcpClient client, NetworkStream stream, string head);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.UTF8.GetString(buffer, 0, read));
                }

                await ServeAsync(client, stream, head.ToString());
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The test ended, or the client went away first.
            }
        }
    }
}
