using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer.Engine;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>
/// A request that reaches a stopping server's engine (in flight when the stop began) is answered 503 problem+json with
/// <c>Retry-After</c>, never a 500: a client retries, and a restarted server answers it.
/// </summary>
public sealed class StoppingServerTests
{
    [Fact]
    public async Task Start_EngineStopping_Answers503WithRetryAfter()
    {
        await using var server = await ReferenceServers.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        await server.Services.GetRequiredService<ExecutionEngine>().DisposeAsync();

        using var response = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "quick" });

        await AssertStoppingAsync(response);
    }

    [Fact]
    public async Task Cancel_EngineStoppingWithTheExecutionRunning_Answers503WithRetryAfter()
    {
        await using var server = await ReferenceServers.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var id = await server.StartExecutionAsync("very-long", new { stages = 5, delayMs = 60_000 });
        await server.Services.GetRequiredService<ExecutionEngine>().DisposeAsync();

        using var response = await http.PostAsync($"workflow/executions/{id}/cancel", content: null);

        await AssertStoppingAsync(response);
    }

    private static async Task AssertStoppingAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Server stopping", problem.RootElement.GetProperty("title").GetString());
        Assert.StartsWith("The server is stopping", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
