using System.Net.Sockets;
using System.Text;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A loopback server that answers every request with exactly the bytes it was given and closes the connection: the
/// surest way to send a header no framework would write, such as <c>Content-Type: text/event-stream;</c>.
/// </summary>
internal sealed class RawResponseServer : LoopbackHttpServer
{
    private readonly byte[] _response;

    /// <summary>Starts a server whose answer is <paramref name="head"/> (status line and headers, CRLF-separated, without the blank line) and <paramref name="body"/>.</summary>
    public RawResponseServer(string head, string body)
    {
        _response = Encoding.UTF8.GetBytes(head + "\r\nConnection: close\r\n\r\n" + body);
        StartAccepting();
    }

    protected override async Task ServeAsync(TcpClient client, NetworkStream stream, string head) => await stream.WriteAsync(_response, Stopping);
}
