using System.Net;
using System.Net.Http.Json;
using System.Text;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using static ResilientSse.IntegrationTests.TestSupport.ProblemAssert;

namespace ResilientSse.IntegrationTests.ReferenceServer.Redis;

/// <summary>
/// CONTRACT §1–2 on the Redis store: a representative subset of <see cref="ReferenceServerMalformedRequestTests"/>, and
/// the answers that depend on the store — unknown ids, ids beyond the log, ended executions — asked of a node that did
/// not write the execution. Every one is a 4xx problem+json naming the problem, never a 500.
/// </summary>
public sealed class RedisProblemAnswerTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private ReferenceServerHost _writer = null!;
    private ReferenceServerHost _other = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var prefix = $"problems-{Guid.NewGuid():N}:";
        _writer = await RedisNodes.StartAsync(redis.Server, prefix);
        _other = await RedisNodes.StartAsync(redis.Server, prefix);
        _http = new HttpClient { BaseAddress = _other.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _writer.DisposeAsync();
        await _other.DisposeAsync();
    }

    [RedisFact]
    public async Task BadRequests_Answer4xxProblemsNamingTheProblem()
    {
        foreach (var (body, field) in new[] { ("{\"workflowId\":7}", "workflowId"), ("{}", "workflowId"), ("{\"workflowId\":\"quick\",\"input\":[]}", "input"), ("{\"workflowId\":\"quick\"", "body") })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var malformed = await _http.PostAsync("workflow/executions", content);
            Assert.Equal(field, (await AssertProblemAsync(malformed, HttpStatusCode.BadRequest, field)).GetProperty("field").GetString());
        }

        using var unknownWorkflow = await _http.PostAsJsonAsync("workflow/executions", new { workflowId = "nope" });
        using var text = await _http.PostAsync("workflow/executions", new StringContent("{\"workflowId\":\"quick\"}", Encoding.UTF8, "text/plain"));
        using var put = await _http.PutAsync("workflow/executions", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var nowhere = await _http.GetAsync("workflow/nothing/here");
        var json = Encoding.UTF8.GetBytes("{\"workflowId\":\"quick\",\"pad\":\"" + new string('x', 70 * 1024) + "\"}");
        var tooLarge = await RawHttp.SendAsync(_other.BaseAddress, RawHttp.Request(
            ["POST /workflow/executions HTTP/1.1", $"Host: {_other.BaseAddress.Authority}", "Content-Type: application/json", $"Content-Length: {json.Length}", "Connection: close"], json));

        await AssertProblemAsync(unknownWorkflow, HttpStatusCode.NotFound, "nope");
        await AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType, "text/plain");
        await AssertProblemAsync(put, HttpStatusCode.MethodNotAllowed, "PUT");
        await AssertProblemAsync(nowhere, HttpStatusCode.NotFound, "/workflow/nothing/here");
        AssertRawProblem(tooLarge, 413, "65536");
    }

    [RedisFact]
    public async Task UnknownExecution_OnEveryRoute_Answers404Problem()
    {
        using var snapshot = await _http.GetAsync("workflow/executions/wf_exec_nobody");
        using var stream = await _http.GetAsync("workflow/executions/wf_exec_nobody/stream", HttpCompletionOption.ResponseHeadersRead);
        using var cancel = await _http.PostAsync("workflow/executions/wf_exec_nobody/cancel", null);

        foreach (var response in new[] { snapshot, stream, cancel })
        {
            await AssertProblemAsync(response, HttpStatusCode.NotFound, "wf_exec_nobody");
        }
    }

    [RedisFact]
    public async Task Stream_OnAnotherNode_BadLastEventIdOrOneBeyondTheLog_Answers400Problem()
    {
        var id = await _writer.StartExecutionAsync("very-long", new { stages = 10, delayMs = 60_000 });

        using var bad = await GetStreamAsync(id, "seven");
        using var beyond = await GetStreamAsync(id, "57");

        Assert.Equal("Last-Event-ID", (await AssertProblemAsync(bad, HttpStatusCode.BadRequest, "Last-Event-ID")).GetProperty("field").GetString());
        await AssertProblemAsync(beyond, HttpStatusCode.BadRequest, $"Last-Event-ID 57 is beyond the log of execution {id}");
    }

    [RedisFact]
    public async Task Cancel_OnAnotherNodeOfAnEndedExecution_Answers409Problem()
    {
        var id = await _writer.StartExecutionAsync("quick");
        await _writer.WaitUntilTerminalAsync(id);

        using var response = await _http.PostAsync($"workflow/executions/{id}/cancel", null);

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "completed");
    }

    private async Task<HttpResponseMessage> GetStreamAsync(string id, string lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"workflow/executions/{id}/stream");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
