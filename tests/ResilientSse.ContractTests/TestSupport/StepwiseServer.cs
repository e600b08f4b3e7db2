using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A raw TCP server on 127.0.0.1 whose test writes each response step by step: <see cref="AcceptAsync"/> hands over
/// the next connection once its request head has been read; with a certificate it speaks TLS first.
/// </summary>
internal sealed class StepwiseServer : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? _certificate;

    public StepwiseServer(X509Certificate2? certificate = null)
    {
        _certificate = certificate;
        _listener.Start();
        var scheme = certificate is null ? "http" : "https";
        Address = new Uri($"{scheme}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/stream");
    }

    public Uri Address { get; }

    /// <summary>Accepts the next connection (within 10 s), runs the TLS handshake if any, and reads its request head.</summary>
    public async Task<StepwiseConnection> AcceptAsync()
    {
        var client = await _listener.AcceptTcpClientAsync().WaitAsync(Patience);
        Stream stream = client.GetStream();
        try
        {
            if (_certificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }).WaitAsync(Patience);
            }

            return new StepwiseConnection(client, stream, await ReadHeadAsync(stream));
        }
        catch
        {
            await stream.DisposeAsync();
            client.Dispose();
            throw;
        }
    }

    public void Dispose() => _listener.Stop();

    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new List<byte>();
        var buffer = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            // One byte at a time: whatever follows the head stays unread for the test.
            if (await stream.ReadAsync(buffer).AsTask().WaitAsync(Patience) == 0)
            {
                throw new IOException("The client closed the connection before the end of its request head.");
            }

            head.Add(buffer[0]);
        }

        return Encoding.UTF8.GetString([.. head]);
    }
}
