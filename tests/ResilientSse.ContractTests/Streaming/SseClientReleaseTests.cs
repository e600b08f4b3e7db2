using System.Diagnostics;
using System.Globalization;
using ResilientSse.ContractTests.TestSupport;
using ResilientSse.Streaming;
using Xunit.Abstractions;

namespace ResilientSse.ContractTests.Streaming;

/// <summary>
/// Leaving a subscription — <c>break</c>, disposing the enumerator, cancelling — closes its HTTP/1.1 connection at
/// once, over a real socket: the live body is aborted, never drained for <c>ResponseDrainTimeout</c>.
/// </summary>
/// <remarks>
/// Each case is timed on a fresh server up to three times and passes when one attempt closes within the bound: a busy
/// 2-core machine can starve one attempt of a thread, while a drain — the defect — takes 2 s every time.
/// </remarks>
public sealed class SseClientReleaseTests(ITestOutputHelper output)
{
    /// <summary>What the rule allows; the drain it replaces took 2 s.</summary>
    private static readonly TimeSpan Allowed = TimeSpan.FromMilliseconds(100);

    private const int Attempts = 3;

    [Fact]
    public Task SubscribeAsync_BreakAfterAnEvent_ClosesTheSocketPromptly() => AssertReleasedPromptlyAsync(async (address, http, timeout) =>
    {
        var left = 0L;
        await foreach (var item in Subscribe(http, address, timeout))
        {
            Assert.Equal("hello", item.Data);
            left = Stopwatch.GetTimestamp();
            break;
        }

        return left;
    });

    [Fact]
    public Task DisposeAsync_OfTheEnumeratorAfterAnEvent_ClosesTheSocketPromptly() => AssertReleasedPromptlyAsync(async (address, http, timeout) =>
    {
        var events = Subscribe(http, address, CancellationToken.None).GetAsyncEnumerator(timeout);
        Assert.True(await events.MoveNextAsync());

        var left = Stopwatch.GetTimestamp();
        await events.DisposeAsync();
        return left;
    });

    [Fact]
    public Task SubscribeAsync_CancelledBetweenEvents_ClosesTheSocketPromptly() => AssertReleasedPromptlyAsync(async (address, http, timeout) =>
    {
        using var cancel = new CancellationTokenSource();
        var left = 0L;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in Subscribe(http, address, cancel.Token).WithCancellation(timeout))
            {
                Assert.Equal("hello", item.Data);
                left = Stopwatch.GetTimestamp();
                cancel.Cancel(); // its callbacks run here, whatever the thread pool is busy with
            }
        });

        return left;
    });

    [Fact]
    public Task SubscribeAsync_CancelledWhileWaitingForBytes_ClosesTheSocketPromptly() => AssertReleasedPromptlyAsync(async (address, http, timeout) =>
    {
        using var cancel = new CancellationTokenSource();
        var events = Subscribe(http, address, cancel.Token).GetAsyncEnumerator(timeout);
        await using var disposal = events.ConfigureAwait(false);
        Assert.True(await events.MoveNextAsync());
        var next = events.MoveNextAsync().AsTask();

        var left = Stopwatch.GetTimestamp();
        cancel.Cancel(); // its callbacks run here, whatever the thread pool is busy with

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        return left;
    });

    private static SseSubscription<string> Subscribe(HttpClient http, Uri address, CancellationToken cancellationToken) =>
        new SseClient(http, new SseClientOptions { InitialReconnectDelay = TimeSpan.Zero, JitterRatio = 0 }).SubscribeAsync(address, cancellationToken: cancellationToken);

    /// <summary>Runs <paramref name="leave"/> (which returns when the consumer left) and asserts the server saw the socket close within the bound.</summary>
    private async Task AssertReleasedPromptlyAsync(Func<Uri, HttpClient, CancellationToken, Task<long>> leave)
    {
        var took = new List<TimeSpan>();
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            await using var server = new HeartbeatServer();
            using var http = new HttpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var left = await leave(server.Address, http, timeout.Token);

            // Bounded real wait: the server sees the close, or the drain's 2 s pass, well within 5 s.
            var closedAt = await server.ClientClosed.WaitAsync(TimeSpan.FromSeconds(5));
            took.Add(Stopwatch.GetElapsedTime(left, closedAt));
            output.WriteLine($"The server saw the socket close {took[^1].TotalMilliseconds:F1} ms after the consumer left.");
            if (took[^1] <= Allowed)
            {
                return;
            }
        }

        Assert.Fail($"The socket closed {string.Join(", ", took.Select(t => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)))} ms " +
            $"after the consumer left, in {Attempts} attempts (allowed: {Allowed.TotalMilliseconds} ms).");
    }
}
