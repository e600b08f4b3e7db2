using ResilientSse.Testing;
namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// Wraps a test body so that a read given a token already cancelled fails at once, even with bytes ready — as the
/// response streams of <see cref="SocketsHttpHandler"/> do. <see cref="ControlledStream"/> alone hands out queued bytes
/// whatever the token says, so it cannot show a connection whose token was cancelled behind its back.
/// </summary>
internal sealed class CancellationCheckingStream(Stream inner) : ReadOnlyTestStream
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : inner.ReadAsync(buffer, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
