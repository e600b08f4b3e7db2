using System.Net;
using System.Net.Http.Json;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary><c>--max-live</c>: a place is reserved before an execution is created, so the limit holds under concurrency.</summary>
public sealed class MaxLiveTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task Post_110ConcurrentWithMaxLive100_Accepts100AndRefuses10WithRetryAfter(string store)
    {
        var directory = Directory.CreateTempSubdirectory("resilientsse-maxlive-");
        try
        {
            await using var server = await ReferenceServers.StartAsync(o =>
            {
                o.MaxLiveExecutions = 100;
                o.MaxLiveRetryAfterSeconds = 3;
                o.Store = store == "memory" ? ResilientSse.ReferenceServer.ReferenceStoreKind.Memory : ResilientSse.ReferenceServer.ReferenceStoreKind.Sqlite;
                o.DatabasePath = Path.Combine(directory.FullName, "executions.db");
            });
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            using var start = new SemaphoreSlim(0);

            var posts = Enumerable.Range(0, 110).Select(async _ =>
            {
                await start.WaitAsync();
                using var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "very-long", input = new { stages = 1, delayMs = 60_000 } });
                return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType);
            }).ToList();
            start.Release(110);
            var answers = await Task.WhenAll(posts);

            Assert.Equal(100, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
            var refused = answers.Where(a => a.StatusCode != HttpStatusCode.Created).ToList();
            Assert.Equal(10, refused.Count);
            Assert.All(refused, a =>
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(3), a.RetryAfter);
                Assert.Equal("application/problem+json", a.MediaType);
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Post_AfterARunEnded_AcceptsAgain()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.MaxLiveExecutions = 1);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var first = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(first);

        var second = await server.StartExecutionAsync("quick");

        Assert.NotEqual(first, second);
    }
}
