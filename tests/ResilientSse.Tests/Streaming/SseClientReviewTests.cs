using System.Net;
using System.Net.Http.Headers;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;

namespace ResilientSse.Tests.Streaming;

/// <summary>Review of SseClient's loop on the shared wait policy.</summary>
public sealed class SseClientReviewTests : IDisposable
{
    private readonly TestClock _clock = new();

    /// <summary>
    /// "No request goes out before the wait the previous answer earned, on any path": the offline budget cuts a
    /// Retry-After short ("the last attempt is made when it runs out"), so the client calls back 20 s before the
    /// server said it would answer. A Retry-After beyond the budget should end the subscription now (or be waited
    /// out), never be shortened.
    /// </summary>
    [Fact]
    public async Task Status503WithRetryAfterBeyondTheOfflineBudget_NoRequestBeforeTheRetryAfter()
    {
        var times = new List<DateTimeOffset>();
        using var server = new SseTestServer()
            .Then((_, _) => { times.Add(_clock.GetUtcNow()); return Task.FromResult(Refusal()); })
            .Then((_, _) => { times.Add(_clock.GetUtcNow()); return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent)); });
        using var http = new HttpClient(server);
        var options = new SseClientOptions { JitterRatio = 0, OfflineBudget = TimeSpan.FromSeconds(10) };
        var client = new SseClient(http, options, _clock);

        try
        {
            await _clock.DriveAsync(SseClients.CollectAsync(client.SubscribeAsync(SseClients.Address)), TimeSpan.FromMilliseconds(500));
        }
        catch (OfflineBudgetExceededException)
        {
            // Giving up is fine; calling back early is not.
        }

        Assert.True(times.Count < 2 || times[1] - times[0] >= TimeSpan.FromSeconds(30),
            $"the second request went out {times[1] - times[0]} after a 503 with Retry-After: 30");
    }

    public void Dispose() => _clock.Dispose();

    private static HttpResponseMessage Refusal()
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent(string.Empty) };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
        return response;
    }
}
