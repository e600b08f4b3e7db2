using System.Diagnostics;
using ResilientSse.ContractTests.TestSupport;
using ResilientSse.Streaming;
using Xunit.Abstractions;

namespace ResilientSse.ContractTests.Streaming;

/// <summary>
/// Leaving a subscription — <c>break</c>, disposing the enumerator, cancelling — closes its HTTP/1.1 connection at
/// once, over a real socket: the live body is aborted, never drained for <c>ResponseDrainTimeout</c>.
/// </summary>
public sealed class SseClientReleaseTests(ITestOutputHelper output) : IAsyncDisposable
{
    /// <summary>What the rule allows; the drain it replaces took 2 s.</summary>
    private static readonly TimeSpan Allowed = TimeSpan.FromMilliseconds(100);

    private readonly HeartbeatServer _server = new();
    private readonly HttpClient _http = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task SubscribeAsync_BreakAfterAnEvent_ClosesTheSocketPromptly()
    {
        var left = 0L;
        await foreach (var item in Subscribe(_timeout.Token))
        {
            Assert.Equal("hello", item.Data);
            left = Stopwatch.GetTimestamp();
            break;
        }

        await AssertClosedPromptlyAsync(left);
    }

    [Fact]
    public async Task DisposeAsync_OfTheEnumeratorAfterAnEvent_ClosesTheSocketPromptly()
    {
        var events = Subscribe(CancellationToken.None).GetAsyncEnumerator(_timeout.Token);
        Assert.True(await events.MoveNextAsync());

        var left = Stopwatch.GetTimestamp();
        await events.DisposeAsync();

        await AssertClosedPromptlyAsync(left);
    }

    [Fact]
    public async Task SubscribeAsync_CancelledBetweenEvents_ClosesTheSocketPromptly()
    {
        using var cancel = new CancellationTokenSource();
        var left = 0L;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in Subscribe(cancel.Token).WithCancellation(_timeout.Token))
            {
                Assert.Equal("hello", item.Data);
                left = Stopwatch.GetTimestamp();
                cancel.Cancel(); // its callbacks run here, whatever the thread pool is busy with
            }
        });

        await AssertClosedPromptlyAsync(left);
    }

    [Fact]
    public async Task SubscribeAsync_CancelledWhileWaitingForBytes_ClosesTheSocketPromptly()
    {
        using var cancel = new CancellationTokenSource();
        var events = Subscribe(cancel.Token).GetAsyncEnumerator(_timeout.Token);
        await using var disposal = events.ConfigureAwait(false);
        Assert.True(await events.MoveNextAsync());
        var next = events.MoveNextAsync().AsTask();

        var left = Stopwatch.GetTimestamp();
        cancel.Cancel(); // its callbacks run here, whatever the thread pool is busy with

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        await AssertClosedPromptlyAsync(left);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _timeout.Dispose();
    }

    private IAsyncEnumerable<SseEvent> Subscribe(CancellationToken cancellationToken) =>
        new SseClient(_http, new SseClientOptions { InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0 }).SubscribeAsync(_server.Address, cancellationToken: cancellationToken);

    private async Task AssertClosedPromptlyAsync(long left)
    {
        // Bounded real wait: the server sees the close, or the drain's 2 s pass, well within 5 s.
        var closedAt = await _server.ClientClosed.WaitAsync(TimeSpan.FromSeconds(5));
        
        var took = Stopwatch.GetElapsedTime(left, closedAt);
        output.WriteLine($"The server saw the socket close {took.TotalMilliseconds:F1} ms after the consumer left.");
        Assert.True(took <= Allowed, $"The socket closed {took.TotalMilliseconds:F0} ms after the consumer left (allowed: {Allowed.TotalMilliseconds} ms).");
    }
}
