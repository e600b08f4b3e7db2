using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using ResilientSse.Executions;

namespace ResilientSse.Benchmarks;

/// <summary>
/// Where the ending latency of a watch goes, run by run: the server writes the terminal event (its timestamp) and ends
/// the response → the watch sees the end (its <c>Disconnected</c> notice) → the reconnection is announced → the request
/// goes out → the response's headers → the terminal event yielded. Times come from one monotonic clock; the server's
/// wall-clock timestamp is mapped onto it (millisecond precision). Gen 0 collections between the end of the response and
/// the yield are counted too, and the thread pool's queue when the end is seen.
/// </summary>
internal sealed class EndingPhases
{
    private readonly ConcurrentDictionary<string, Marks> _runs = new(StringComparer.Ordinal);
    private readonly DateTimeOffset _wallAtStart = TimeProvider.System.GetUtcNow();
    private readonly long _clockAtStart = Stopwatch.GetTimestamp();

    private int _connectionsOpened;

    /// <summary>A handler whose stream requests and their answers are timed, and whose new connections are counted.</summary>
    public HttpMessageHandler CreateHandler() => new Clock(new SocketsHttpHandler { ConnectCallback = ConnectAsync }, this);

    /// <summary>Forgets the runs so far (the unmeasured warm-up).</summary>
    public void Clear()
    {
        _runs.Clear();
        _connectionsOpened = 0;
    }

    /// <summary>Takes the watcher's notices (chain it into <see cref="ExecutionWatcherOptions.OnNotice"/>).</summary>
    public void OnNotice(ExecutionWatchNotice notice)
    {
        var marks = _runs.GetOrAdd(notice.ExecutionId, _ => new Marks());
        switch (notice.Kind)
        {
            case ExecutionWatchNoticeKind.Disconnected:
                marks.CutSeen = Stopwatch.GetTimestamp();
                marks.Gen0AtCut = GC.CollectionCount(0);
                marks.QueuedAtCut = ThreadPool.PendingWorkItemCount;
                marks.ContentionAtCut = Monitor.LockContentionCount;
                break;
            case ExecutionWatchNoticeKind.Reconnecting:
                marks.Announced = Stopwatch.GetTimestamp();
                marks.ContentionAtAnnounced = Monitor.LockContentionCount;
                marks.Delay = notice.Delay ?? TimeSpan.Zero;
                break;
        }
    }

    /// <summary>Notes that the watch of <paramref name="executionId"/> yielded its terminal event, written at <paramref name="written"/>.</summary>
    public void OnTerminal(string executionId, DateTimeOffset written)
    {
        var now = Stopwatch.GetTimestamp();
        var marks = _runs.GetOrAdd(executionId, _ => new Marks());
        marks.Yielded = now;
        marks.Gen0AtYield = GC.CollectionCount(0);
        marks.Written = _clockAtStart + (long)((written - _wallAtStart).TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Prints the phases of the median run range and of the slowest runs.</summary>
    public void Report(int slowest)
    {
        var complete = _runs.Values.Where(m => m.CutSeen > 0 && m.Sent > 0 && m.Headers > 0 && m.Yielded > 0).OrderBy(m => m.Yielded - m.Written).ToList();
        if (complete.Count == 0)
        {
            Console.WriteLine("phases: no run was cut and resumed");
            return;
        }

        Console.WriteLine("phases (ms): written→cut seen | cut seen→announced (delay booked) | announced→request sent | sent→headers | headers→yielded | total; gen0 GCs; queued work items at the cut; lock contentions in the process between the two notices");
        var middle = complete.Skip(complete.Count / 4).Take(Math.Max(1, complete.Count / 2)).ToList();
        Console.WriteLine($"  median half (mean of {middle.Count}): {Describe(middle)}");
        foreach (var marks in complete.TakeLast(slowest))
        {
            Console.WriteLine($"  slow run: {Describe([marks])}");
        }

        Console.WriteLine($"  connections opened: {_connectionsOpened} for {complete.Count} runs (a resumption that finds its connection back in the pool opens none)");
        var gcRuns = complete.Count(m => m.Gen0AtYield > m.Gen0AtCut);
        Console.WriteLine($"  runs with a gen 0 GC between the cut and the yield: {gcRuns} of {complete.Count}; GC pause total {GC.GetTotalPauseDuration().TotalMilliseconds:0.0} ms");
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connectionsOpened);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Describe(List<Marks> runs)
    {
        double Mean(Func<Marks, long> from, Func<Marks, long> to) => runs.Average(m => Stopwatch.GetElapsedTime(from(m), to(m)).TotalMilliseconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Mean(m => m.Written, m => m.CutSeen):0.0} | {Mean(m => m.CutSeen, m => m.Announced):0.0} ({runs.Average(m => m.Delay.TotalMilliseconds):0.0}) | {Mean(m => m.Announced, m => m.Sent):0.0} | {Mean(m => m.Sent, m => m.Headers):0.0} | {Mean(m => m.Headers, m => m.Yielded):0.0} | {Mean(m => m.Written, m => m.Yielded):0.0}; gen0 {runs.Average(m => m.Gen0AtYield - m.Gen0AtCut):0.##}; queued {runs.Average(m => m.QueuedAtCut):0.#}; lock contentions cut→announced {runs.Average(m => m.ContentionAtAnnounced - m.ContentionAtCut):0.##}");
    }

    /// <summary>The monotonic times of one run's ending (0 while not reached).</summary>
    private sealed class Marks
    {
        public long Written { get; set; }

        public long CutSeen { get; set; }

        public long Announced { get; set; }

        public TimeSpan Delay { get; set; }

        public long Sent { get; set; }

        public long Headers { get; set; }

        public long Yielded { get; set; }

        public int Gen0AtCut { get; set; }

        public int Gen0AtYield { get; set; }

        public long QueuedAtCut { get; set; }

        public long ContentionAtCut { get; set; }

        public long ContentionAtAnnounced { get; set; }
    }

    /// <summary>Times the last stream request of each execution: when it went out, and when its headers came.</summary>
    private sealed class Clock(HttpMessageHandler inner, EndingPhases phases) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri?.AbsolutePath ?? string.Empty;
            if (!path.EndsWith("/stream", StringComparison.Ordinal))
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var id = Uri.UnescapeDataString(path.Split('/')[^2]);
            var marks = phases._runs.GetOrAdd(id, _ => new Marks());
            var sent = Stopwatch.GetTimestamp();
            var response = await base.SendAsync(request, cancellationToken);
            (marks.Sent, marks.Headers) = (sent, Stopwatch.GetTimestamp());
            return response;
        }
    }
}
