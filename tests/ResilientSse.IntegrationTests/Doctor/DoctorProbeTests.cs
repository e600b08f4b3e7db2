using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using ResilientSse.Watcher.Doctor;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>The probe records on the injected clock, resumes with the last id after a close, and checks resumption (fake clock, no sockets).</summary>
public sealed class DoctorProbeTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<HttpRequestMessage> _requests = [];
    private readonly Queue<Func<HttpResponseMessage>> _responses = new();

    [Fact]
    public async Task ObserveAsync_StreamOpenTillTheEnd_RecordsArrivalsOnTheClockThenChecksResumption()
    {
        using var body = new ChunkedBody();
        _responses.Enqueue(() => Stream(body));
        _responses.Enqueue(() => Stream(Written("id: 2\ndata: b\n\n")));
        var observing = Probe(TimeSpan.FromSeconds(10)).ObserveAsync(CancellationToken.None);

        await body.WaitUntilReadingAsync();
        body.Write("retry: 500\n\nid: 1\ndata: {\"timestamp\":\"2026-11-30T12:00:00Z\"}\n\n");
        await body.WaitUntilReadingAsync();
        _time.Advance(TimeSpan.FromSeconds(2));
        body.Write(": keep-alive\n\n");
        await body.WaitUntilReadingAsync();
        _time.Advance(TimeSpan.FromSeconds(1.5));
        body.Write("id: 2\ndata: a\n\n");
        await body.WaitUntilReadingAsync();
        _time.Advance(TimeSpan.FromSeconds(6.5));
        var observation = await observing.WaitAsync(TimeSpan.FromSeconds(10));

        var (watch, check) = (observation.Connections[0], observation.Connections[1]);
        Assert.Equal(2, observation.Connections.Count);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(3.5)], watch.Events.Select(e => e.ArrivedAt));
        Assert.Equal([TimeSpan.FromSeconds(2)], watch.Comments);
        Assert.Equal(500, watch.RetryMilliseconds);
        Assert.Equal((ConnectionEnd.TimeUp, TimeSpan.FromSeconds(10)), (watch.End, watch.EndedAt));
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), watch.Events[0].Timestamp);
        Assert.Null(_requests[0].Headers.TryGetValues("Last-Event-ID", out _) ? "sent" : null);
        Assert.True(check.IsResumeCheck);
        Assert.Equal(["1"], _requests[1].Headers.GetValues("Last-Event-ID"));
        Assert.Equal((ConnectionEnd.Enough, "2"), (check.End, check.FirstId));
    }

    [Fact]
    public async Task ObserveAsync_StreamClosed_ReconnectsWithTheLastIdAndStopsAt204()
    {
        using var body = new ChunkedBody();
        _responses.Enqueue(() => Stream(body));
        _responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.NoContent));
        _responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.NoContent));
        var observing = Probe(TimeSpan.FromSeconds(10)).ObserveAsync(CancellationToken.None);

        await body.WaitUntilReadingAsync();
        body.Write("retry: 0\n\nid: 5\ndata: x\n\n"); // retry: 0 — the reconnect needs no wait on the fake clock
        await body.WaitUntilReadingAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        body.Write("id: 6\ndata: y\n\n");
        body.End();
        var observation = await observing.WaitAsync(TimeSpan.FromSeconds(10));

        var (watch, end) = (observation.Connections[0], observation.Connections[1]);
        Assert.Equal((ConnectionEnd.Closed, TimeSpan.FromSeconds(1), TimeSpan.Zero), (watch.End, watch.EndedAt, watch.SilenceBeforeEnd));
        Assert.Equal((204, "6", ResumeVia.Header), (end.Status, end.LastEventIdSent, end.Via));
        Assert.Equal(["6"], _requests[1].Headers.GetValues("Last-Event-ID"));
        Assert.Contains("end-204", DoctorAnalysis.Analyze(observation).Select(f => f.Code));
    }

    private static HttpResponseMessage Stream(Stream body)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static MemoryStream Written(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

    private DoctorProbe Probe(TimeSpan duration)
    {
        var http = new HttpClient(new ScriptedHandler(this));
        return new DoctorProbe(http, _time, new DoctorSettings(new Uri("http://127.0.0.1:1/stream"), duration, Json: false, 1024 * 1024, []));
    }

    private sealed class ScriptedHandler(DoctorProbeTests test) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            test._requests.Add(request);
            return Task.FromResult(test._responses.Dequeue()());
        }
    }
}
