using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.Executions;
using ResilientSse.Http;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using ResilientSse.Streaming;

namespace ResilientSse.IntegrationTests.Http;

/// <summary>
/// The watcher through <see cref="Http1StreamingHandler"/> against the reference server: many watches each on its own
/// connection, every connection cut under them, a cut right before the terminal event, and an idle watch waiting on
/// its socket with a zero-byte read.
/// </summary>
public sealed class ExecutionWatcherHttp1StreamingHandlerTests
{
    private const int Watches = 100;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task WatchAsync_ManyWatchesThroughTheHandler_EachEndsWithEveryEventOnceAndItsTerminalEvent()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.MaxLiveExecutions = Watches + 10);
        await using var relay = TcpRelay.Start(server.BaseAddress);
        using var http = new HttpClient(new Http1StreamingHandler());
        var watcher = new ExecutionWatcher(http, Options(relay.BaseAddress));
        using var timeout = new CancellationTokenSource(Bound);
        var ids = await StartRunsAsync(server, Watches, stages: 2, delayMs: 200);

        var results = await Task.WhenAll(ids.Select(id => WatchCollection.CollectAsync(watcher, id, null, timeout.Token)));

        Assert.All(results, items => WatchCollection.AssertWhole(items, stages: 2));
        Assert.True(relay.Accepted >= Watches, $"every watch had a connection of its own ({relay.Accepted} for {Watches} watches)");
    }

    [Fact]
    public async Task WatchAsync_EveryConnectionCutUnderTheWatches_AllResumeAndLoseNothing()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.MaxLiveExecutions = Watches + 10);
        await using var relay = TcpRelay.Start(server.BaseAddress);
        using var http = new HttpClient(new Http1StreamingHandler());
        var reconnects = 0;
        var options = Options(relay.BaseAddress);
        options.OnNotice = n => Interlocked.Add(ref reconnects, n.Kind == ExecutionWatchNoticeKind.Reconnecting ? 1 : 0);
        var watcher = new ExecutionWatcher(http, options);
        using var timeout = new CancellationTokenSource(Bound);
        var ids = await StartRunsAsync(server, Watches, stages: 4, delayMs: 1_500);
        var connected = new Countdown(Watches);

        var watching = ids.Select(id => WatchCollection.CollectAsync(watcher, id, n => { if (n == 1) { connected.Signal(); } }, timeout.Token)).ToArray();
        await connected.Reached.WaitAsync(Bound); // every watch received its first event
        Assert.True(relay.CutAll() >= Watches, "every watch's connection was open and cut");
        var results = await Task.WhenAll(watching);

        Assert.All(results, items => WatchCollection.AssertWhole(items, stages: 4));
        Assert.True(reconnects >= Watches, $"each watch reconnected after the cut ({reconnects} reconnections)");
    }

    [Fact]
    public async Task WatchAsync_StreamCutRightBeforeTheTerminalEvent_ResumesFromTheStreamAndEnds()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.Faults.DropBeforeTerminal = true);
        using var http = new HttpClient(new Http1StreamingHandler());
        var reconnects = 0;
        var options = Options(server.BaseAddress);
        options.OnNotice = n => Interlocked.Add(ref reconnects, n.Kind == ExecutionWatchNoticeKind.Reconnecting ? 1 : 0);
        var watcher = new ExecutionWatcher(http, options);
        using var timeout = new CancellationTokenSource(Bound);
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var items = await WatchCollection.CollectAsync(watcher, id, null, timeout.Token);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.True(items[^1].IsTerminal);
        Assert.Equal(ExecutionEventSource.Stream, items[^1].Source); // the resumption's Last-Event-ID got it, not a snapshot
        Assert.Equal(1, reconnects);
    }

    [Fact]
    public async Task WatchAsync_QuietStream_WaitsWithAZeroByteReadOnItsSocket()
    {
        await using var server = await ReferenceServers.StartAsync(_ => { });
        var socket = new RecordingConnection();
        using var http = new HttpClient(new Http1StreamingHandler { ConnectCallback = socket.ConnectAsync });
        var watcher = new ExecutionWatcher(http, Options(server.BaseAddress));
        using var timeout = new CancellationTokenSource(Bound);
        var ids = await StartRunsAsync(server, 1, stages: 1, delayMs: 60_000);
        var first = new Countdown(2);

        var watching = WatchCollection.CollectAsync(watcher, ids[0], _ => first.Signal(), timeout.Token);
        await first.Reached.WaitAsync(Bound); // workflow.started and node.started: the stage now stays quiet

        // The read waiting on the socket while nothing comes (checked before the watch is cancelled, which ends it).
        var waitsWithZeroBytes = SpinWait.SpinUntil(() => socket.PendingReadLength == 0, Bound);
        var pending = socket.PendingReadLength;
        await timeout.CancelAsync();

        Assert.True(waitsWithZeroBytes, $"the read waiting on the quiet stream's socket has room for {pending} bytes");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);
    }

    [Fact]
    public async Task AddExecutionWatcher_HandlerConfiguredAsPrimary_WatchesThroughIt()
    {
        await using var server = await ReferenceServers.StartAsync(_ => { });
        var socket = new RecordingConnection();
        var services = new ServiceCollection();
        services.AddExecutionWatcher(o => o.BaseAddress = server.BaseAddress)
            .ConfigurePrimaryHttpMessageHandler(() => new Http1StreamingHandler { ConnectCallback = socket.ConnectAsync });
        await using var provider = services.BuildServiceProvider();
        using var timeout = new CancellationTokenSource(Bound);
        var id = await server.StartExecutionAsync("quick");

        var items = await WatchCollection.CollectAsync(provider.GetRequiredService<IExecutionWatcher>(), id, null, timeout.Token);

        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.True(socket.Connections >= 1, "the watch went through the handler's connections");
    }

    [Fact]
    public async Task WatchAsync_Http2RequiredThroughTheHandler_FailsAtOnceWithNotSupported()
    {
        await using var server = await ReferenceServers.StartAsync(_ => { });
        using var http = new HttpClient(new Http1StreamingHandler());
        var options = Options(server.BaseAddress);
        (options.Stream.HttpVersion, options.Stream.HttpVersionPolicy) = (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact);
        var watcher = new ExecutionWatcher(http, options);
        using var timeout = new CancellationTokenSource(Bound);
        var id = await server.StartExecutionAsync("quick");

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => WatchCollection.CollectAsync(watcher, id, null, timeout.Token));

        Assert.Contains("HTTP/1.1 only", error.Message, StringComparison.Ordinal);
        Assert.False(timeout.IsCancellationRequested);
    }

    private static ExecutionWatcherOptions Options(Uri baseAddress) => new()
    {
        BaseAddress = baseAddress,
        Stream = new SseClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromSeconds(1) },
    };

    private static async Task<string[]> StartRunsAsync(ReferenceServerHost server, int count, int stages, int delayMs)
    {
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            ids[i] = await server.StartExecutionAsync("very-long", new { stages, delayMs }));
        return ids;
    }

    /// <summary>A connect callback whose connection records the read that is waiting on the socket.</summary>
    private sealed class RecordingConnection
    {
        private int _pendingReadLength = -1;
        private int _connections;

        /// <summary>Gets how many connections were opened.</summary>
        public int Connections => Volatile.Read(ref _connections);

        /// <summary>Gets the length of the buffer of the read waiting now, or -1 when none waits.</summary>
        public int PendingReadLength => Volatile.Read(ref _pendingReadLength);

        public async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _connections);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new Recorder(new NetworkStream(socket, ownsSocket: true), this);
        }

        /// <summary>The connection as the handler sees it: reads are recorded, everything else passes through.</summary>
        private sealed class Recorder(NetworkStream inner, RecordingConnection owner) : Stream
        {
            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                var read = inner.ReadAsync(buffer, cancellationToken);
                if (read.IsCompleted)
                {
                    return await read;
                }

                Volatile.Write(ref owner._pendingReadLength, buffer.Length);

                try
                {
                    return await read;
                }
                finally
                {
                    Volatile.Write(ref owner._pendingReadLength, -1);
                }
            }

            public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

            public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

            public override void Flush() => inner.Flush();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }
        }
    }
}
