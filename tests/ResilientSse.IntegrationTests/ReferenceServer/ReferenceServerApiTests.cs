using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>Every row of CONTRACT §1 against the running reference server on loopback.</summary>
public sealed class ReferenceServerApiTests : IAsyncLifetime
{
    private ReferenceServerHost _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ReferenceServers.StartAsync(o => o.MaxLiveExecutions = 3);
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task GetWorkflows_ListsTheThreeBuiltInsWithIdNameDescriptionAndInputs()
    {
        using var response = await _http.GetAsync("workflows");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["quick", "very-long", "failing"], body.RootElement.EnumerateArray().Select(w => w.GetProperty("id").GetString()));
        Assert.All(body.RootElement.EnumerateArray(), w => Assert.Equal(["id", "name", "description", "inputs"], w.EnumerateObject().Select(p => p.Name)));
        var veryLong = body.RootElement[1].GetProperty("inputs");
        Assert.Equal(["stages", "delayMs"], veryLong.EnumerateArray().Select(i => i.GetProperty("name").GetString()));
        Assert.Equal([10, 10_000], veryLong.EnumerateArray().Select(i => i.GetProperty("default").GetInt32()));
    }

    [Fact]
    public async Task PostExecution_Answers201WithLocationAndTheSnapshot()
    {
        using var response = await _http.PostAsJsonAsync("workflow/executions", new { workflowId = "quick", input = new { } });
        using var snapshot = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = snapshot.RootElement;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["id", "workflowId", "status", "startedAt", "completedAt", "executionTime", "lastEventId", "output", "error"], root.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("wf_exec_", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("/workflow/executions/" + root.GetProperty("id").GetString(), response.Headers.Location?.ToString());
        Assert.Equal("quick", root.GetProperty("workflowId").GetString());
        Assert.Equal("running", root.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("completedAt").ValueKind);
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("[]", "body")]
    [InlineData("{}", "workflowId")]
    [InlineData("{\"workflowId\":7}", "workflowId")]
    [InlineData("{\"workflowId\":\"very-long\",\"input\":{\"stages\":0}}", "input.stages")]
    [InlineData("{\"workflowId\":\"very-long\",\"input\":{\"stages\":\"ten\"}}", "input.stages")]
    [InlineData("{\"workflowId\":\"very-long\",\"input\":{\"delayMs\":-1}}", "input.delayMs")]
    [InlineData("{\"workflowId\":\"very-long\",\"input\":{\"delayMs\":600001}}", "input.delayMs")]
    [InlineData("{\"workflowId\":\"quick\",\"input\":5}", "input")]
    public async Task PostExecution_BadInput_Answers400ProblemNamingTheField(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("workflow/executions", content);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
        Assert.Contains(field.Split('.')[^1], problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostExecution_UnknownWorkflow_Answers404Problem()
    {
        using var response = await _http.PostAsJsonAsync("workflow/executions", new { workflowId = "nope" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PostExecution_BodyTooLarge_Answers413Problem()
    {
        using var content = new StringContent("{\"workflowId\":\"quick\",\"pad\":\"" + new string('x', 70_000) + "\"}", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("workflow/executions", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PostExecution_TooManyLive_Answers429Problem()
    {
        for (var i = 0; i < 3; i++)
        {
            await _server.StartExecutionAsync("very-long", new { stages = 5, delayMs = 10_000 });
        }

        using var response = await _http.PostAsJsonAsync("workflow/executions", new { workflowId = "quick" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ListExecutions_NewestFirst()
    {
        var first = await _server.StartExecutionAsync("quick");
        var second = await _server.StartExecutionAsync("quick");

        using var list = JsonDocument.Parse(await _http.GetStringAsync("workflow/executions"));

        Assert.Equal([second, first], list.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()).Take(2));
    }

    [Fact]
    public async Task GetSnapshot_Unknown_Answers404Problem()
    {
        using var response = await _http.GetAsync("workflow/executions/wf_exec_missing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task GetSnapshot_Finished_HasTerminalFields()
    {
        var id = await _server.StartExecutionAsync("quick");
        await _server.WaitUntilTerminalAsync(id);

        using var snapshot = JsonDocument.Parse(await _http.GetStringAsync($"workflow/executions/{id}"));
        var root = snapshot.RootElement;

        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal("8", root.GetProperty("lastEventId").GetString());
        Assert.True(root.GetProperty("executionTime").GetInt64() >= 150);
        Assert.True(DateTimeOffset.Parse(root.GetProperty("completedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(root.GetProperty("startedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(JsonValueKind.Object, root.GetProperty("output").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task Failing_EndsWithWorkflowFailedAndAnError()
    {
        var id = await _server.StartExecutionAsync("failing");
        await _server.WaitUntilTerminalAsync(id);

        var stream = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream");
        using var terminal = JsonDocument.Parse(stream.Items[^1].Data);

        Assert.Equal(["workflow.started", "node.started", "node.completed", "node.started", "node.failed", "workflow.failed"], stream.Items.Select(i => i.Type));
        Assert.Equal("failed", terminal.RootElement.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(terminal.RootElement.GetProperty("error").GetString()));
        Assert.True(terminal.RootElement.TryGetProperty("executionTime", out _));
    }

    [Fact]
    public async Task Cancel_Running_Answers202ThenTheLogEndsWithCancelled_AndAgainAnswers409()
    {
        var id = await _server.StartExecutionAsync("very-long", new { stages = 10, delayMs = 10_000 });

        using var cancel = await _http.PostAsync($"workflow/executions/{id}/cancel", null);
        using var snapshot = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync());
        using var again = await _http.PostAsync($"workflow/executions/{id}/cancel", null);
        var stream = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream");

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("cancelled", snapshot.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal("workflow.cancelled", stream.Items[^1].Type);
    }

    [Fact]
    public async Task Cancel_Unknown_Answers404()
    {
        using var response = await _http.PostAsync("workflow/executions/wf_exec_missing/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
