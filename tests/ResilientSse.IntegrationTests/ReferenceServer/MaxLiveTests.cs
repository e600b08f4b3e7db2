using System.Net;
using System.Net.Http.Json;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>
/// <c>--max-live</c>: a place is reserved before an execution is created, so the limit holds under concurrency — on
/// every store. Each store's class derives from this one and only says how to start a server on it.
/// </summary>
public abstract class MaxLiveTests
{
    /// <summary>Starts a server on the store under test, configured further by <paramref name="configure"/>.</summary>
    private protected abstract Task<ReferenceServerHost> StartServerAsync(Action<ReferenceServerOptions> configure);

    [StoreFact]
    public async Task Post_110ConcurrentWithMaxLive100_Accepts100AndRefuses10WithRetryAfter()
    {
        await using var server = await StartServerAsync(o =>
        {
            o.MaxLiveExecutions = 100;
            o.MaxLiveRetryAfterSeconds = 3;
        });

        var answers = await PostAtOnceAsync(110, server.BaseAddress);

        AssertAccepted(answers, accepted: 100, retryAfter: TimeSpan.FromSeconds(3));
    }

    [StoreFact]
    public async Task Post_AfterARunEnded_AcceptsAgain()
    {
        await using var server = await StartServerAsync(o => o.MaxLiveExecutions = 1);
        var first = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(first);

        var second = await server.StartExecutionAsync("quick");

        Assert.NotEqual(first, second);
    }

    /// <summary>Sends <paramref name="perServer"/> POSTs of a long run to each server, all released at once; returns each answer.</summary>
    private protected static async Task<(HttpStatusCode Status, TimeSpan? RetryAfter, string? MediaType)[]> PostAtOnceAsync(int perServer, params Uri[] servers)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var start = new SemaphoreSlim(0);
        var posts = servers.SelectMany(server => Enumerable.Range(0, perServer).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await http.PostAsJsonAsync(new Uri(server, "workflow/executions"), new { workflowId = "very-long", input = new { stages = 1, delayMs = 60_000 } });
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType);
        })).ToList();
        start.Release(posts.Count);
        return await Task.WhenAll(posts);
    }

    /// <summary>Exactly <paramref name="accepted"/> answers are 201; every other one is a 429 problem with <paramref name="retryAfter"/>.</summary>
    private protected static void AssertAccepted((HttpStatusCode Status, TimeSpan? RetryAfter, string? MediaType)[] answers, int accepted, TimeSpan retryAfter)
    {
        Assert.Equal(accepted, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, a.Status);
            Assert.Equal(retryAfter, a.RetryAfter);
            Assert.Equal("application/problem+json", a.MediaType);
        });
    }
}
