using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that answers every request with exactly the bytes it was given and closes the
/// connection: the surest way to send a header no framework would write, such as <c>Content-Type: text/event-stream;</c>.
/// </summary>
internal sealed class RawResponseServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _response;
    private readonly Task _accepting;

    /// <summary>Starts a server whose answer is <paramref name="head"/> (status line and headers, CRLF-separated, without the blank line) and <paramref name="body"/>.</summary>
    public RawResponseServer(string head, string body)
    {
        _response = Encoding.UTF8.GetBytes(head + "\r\nConnection: close\r\n\r\n" + body);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/stream");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

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
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
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

                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                await stream.WriteAsync(_response, _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                // The test ended, or the client went away first.
            }
        }
    }
}
