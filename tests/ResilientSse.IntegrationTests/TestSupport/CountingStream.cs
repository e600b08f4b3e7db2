using System.Text;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>A response body that counts the flushes that reach it (on a socket, each is a send).</summary>
internal sealed class CountingStream : MemoryStream
{
    public int Flushes { get; private set; }

    public string Text => Encoding.UTF8.GetString(ToArray());

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flushes++;
        return base.FlushAsync(cancellationToken);
    }
}
