using System.Net.Sockets;
using System.Text;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>One accepted connection of a <see cref="StepwiseServer"/>: the request head it carried, and the response written as the test goes.</summary>
internal sealed class StepwiseConnection(TcpClient client, Stream stream, string head) : IAsyncDisposable
{
    /// <summary>Gets the request line and headers, decoded as UTF-8.</summary>
    public string Head { get; } = head;

    /// <summary>Writes <paramref name="text"/> as UTF-8 and flushes it.</summary>
    public async Task WriteAsync(string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await stream.FlushAsync();
    }

    /// <summary>Waits (at most 10 s) until the client closes its side of the connection.</summary>
    public async Task<bool> ClientClosedAsync()
    {
        var buffer = new byte[64];
        try
        {
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Closes the connection: the client sees its end.</summary>
    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        client.Dispose();
    }
}
