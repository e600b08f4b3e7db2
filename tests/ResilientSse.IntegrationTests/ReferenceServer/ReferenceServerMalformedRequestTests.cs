using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;
using static ResilientSse.IntegrationTests.TestSupport.ProblemAssert;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>
/// CONTRACT §1–2: every bad request gets a 4xx whose body is <c>application/problem+json</c> naming the problem,
/// never a 500 — sent over real sockets, through HttpClient and, where HttpClient would refuse, as raw bytes.
/// </summary>
public sealed class ReferenceServerMalformedRequestTests : IAsyncLifetime
{
    private ReferenceServerHost _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await ReferenceServers.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("{\"workflowId\":\"\\ud800\"}", "workflowId")]
    [InlineData("{\"workflowId\":\"quick\\udc00\"}", "workflowId")]
    [InlineData("{\"workflowId\":\"quick\",\"input\":{\"\\ud800\":1}}", "input")]
    [InlineData("{\"workflowId\":\"quick\",\"input\":{\"stages\":\"\\udfff\"}}", "input.stages")]
    [InlineData("{\"workflowId\":7}", "workflowId")]
    [InlineData("{\"workflowId\":[\"quick\"]}", "workflowId")]
    [InlineData("{\"workflowId\":{\"id\":\"quick\"}}", "workflowId")]
    [InlineData("{\"workflowId\":null}", "workflowId")]
    [InlineData("{\"workflowId\":\"\"}", "workflowId")]
    [InlineData("{\"workflowId\":\"quick\",\"input\":[]}", "input")]
    [InlineData("{\"workflowId\":\"quick\",\"input\":\"stages=3\"}", "input")]
    [InlineData("{}", "workflowId")]
    [InlineData("", "body")]
    [InlineData("null", "body")]
    [InlineData("\"quick\"", "body")]
    [InlineData("{\"workflowId\":\"quick\"", "body")]
    public async Task PostExecution_MalformedBody_Answers400ProblemNamingTheField(string body, string field)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("workflow/executions", content);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, field.Split('.')[^1]);
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task PostExecution_DeeplyNestedBody_Answers400Problem()
    {
        using var content = new StringContent(new string('[', 200) + new string(']', 200), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("workflow/executions", content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "JSON");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public async Task PostExecution_InvalidUtf8InWorkflowId_Answers400Problem(byte[] bad)
    {
        byte[] body = [.. "{\"workflowId\":\"q"u8, .. bad, .. "\"}"u8];

        var answer = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Request(
            ["POST /workflow/executions HTTP/1.1", $"Host: {_server.BaseAddress.Authority}", "Content-Type: application/json", $"Content-Length: {body.Length}", "Connection: close"],
            body));

        AssertRawProblem(answer, 400, "UTF-8", "JSON");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PostExecution_BodyOf70KiB_Answers413Problem(bool chunked)
    {
        var json = Encoding.UTF8.GetBytes("{\"workflowId\":\"quick\",\"pad\":\"" + new string('x', 70 * 1024) + "\"}");
        byte[] body = chunked ? [.. Encoding.ASCII.GetBytes($"{json.Length:x}\r\n"), .. json, .. "\r\n0\r\n\r\n"u8] : json;
        var framing = chunked ? "Transfer-Encoding: chunked" : $"Content-Length: {json.Length}";

        var answer = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Request(
            ["POST /workflow/executions HTTP/1.1", $"Host: {_server.BaseAddress.Authority}", "Content-Type: application/json", framing, "Connection: close"],
            body));

        AssertRawProblem(answer, 413, "65536");
    }

    [Theory]
    [InlineData("text/plain", "text/plain")]
    [InlineData("application/x-www-form-urlencoded", "x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x", "multipart/form-data")]
    [InlineData("application/json; charset=utf-16", "utf-16")]
    [InlineData(null, "no Content-Type")]
    public async Task PostExecution_NotJson_Answers415Problem(string? mediaType, string mention)
    {
        using var content = new ByteArrayContent("{\"workflowId\":\"quick\"}"u8.ToArray());
        if (mediaType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        }

        using var response = await _http.PostAsync("workflow/executions", content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, mention);
    }

    [Fact]
    public async Task PostExecution_WithoutAnyBody_Answers415Problem()
    {
        using var response = await _http.PostAsync("workflow/executions", null);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "no Content-Type");
    }

    [Fact]
    public async Task Cancel_WithATextBody_Answers415Problem_ButWithoutABodyIsAccepted()
    {
        var id = await _server.StartExecutionAsync("very-long", new { stages = 2, delayMs = 60_000 });
        using var text = new StringContent("cancel", Encoding.UTF8, "text/plain");

        using var refused = await _http.PostAsync($"workflow/executions/{id}/cancel", text);
        using var accepted = await _http.PostAsync($"workflow/executions/{id}/cancel", null);

        await AssertProblemAsync(refused, HttpStatusCode.UnsupportedMediaType, "text/plain");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("%2E")]
    [InlineData("%2E%2E")]
    [InlineData("%2F")]
    [InlineData("a%2Fb")]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%FF")]
    [InlineData("%ED%A0%80")]
    [InlineData("300")]
    public async Task OddExecutionId_OnEveryRoute_Answers4xxProblem(string id)
    {
        id = id == "300" ? new string('a', 300) : id;
        foreach (var (method, path) in new[] { ("GET", $"/workflow/executions/{id}/stream"), ("POST", $"/workflow/executions/{id}/cancel"), ("GET", $"/workflow/executions/{id}") })
        {
            if (path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/%2E", StringComparison.Ordinal))
            {
                // RFC 3986 removes the dot segment: this is GET /workflow/executions/, the list.
                continue;
            }

            var answer = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Request(
                [$"{method} {path} HTTP/1.1", $"Host: {_server.BaseAddress.Authority}", "Content-Length: 0", "Connection: close"]));

            Assert.True(answer.Status is >= 400 and < 500, $"{method} {path} answered {answer.Status}");
            AssertRawProblem(answer, answer.Status, "found", "allowed", "Unknown", "Bad");
        }
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task WrongMethod_OnEveryRoute_Answers405ProblemNamingTheMethod(string method)
    {
        var id = await _server.StartExecutionAsync("quick");
        foreach (var path in new[] { "workflows", "workflow/executions", $"workflow/executions/{id}", $"workflow/executions/{id}/cancel", $"workflow/executions/{id}/stream" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
            using var response = await _http.SendAsync(request);

            await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, method);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), "no CORS headers unless configured");
        }
    }

    [Fact]
    public async Task UnknownPath_Answers404Problem()
    {
        using var response = await _http.GetAsync("workflow/nothing/here");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "/workflow/nothing/here");
    }

    [Theory]
    [InlineData("seven", "Last-Event-ID")]
    [InlineData("-1", "Last-Event-ID")]
    [InlineData("1.5", "Last-Event-ID")]
    [InlineData("2, 5", "several values")]
    [InlineData("99999999999999999999", "Last-Event-ID")]
    public async Task Stream_LastEventIdNotOneDecimalId_Answers400Problem(string value, string mention)
    {
        var id = await _server.StartExecutionAsync("quick");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"workflow/executions/{id}/stream");
        request.Headers.TryAddWithoutValidation("Last-Event-ID", value);

        using var response = await _http.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, mention);
        Assert.Equal("Last-Event-ID", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Stream_RepeatedLastEventIdHeaders_Answers400Problem()
    {
        var id = await _server.StartExecutionAsync("quick");

        var answer = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Request(
            [$"GET /workflow/executions/{id}/stream HTTP/1.1", $"Host: {_server.BaseAddress.Authority}", "Last-Event-ID: 2", "Last-Event-ID: 5", "Connection: close"]));

        AssertRawProblem(answer, 400, "2 times");
    }

    [Fact]
    public async Task Stream_RepeatedLastEventIdInTheQuery_Answers400Problem()
    {
        var id = await _server.StartExecutionAsync("quick");

        using var response = await _http.GetAsync($"workflow/executions/{id}/stream?lastEventId=2&lastEventId=5");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "lastEventId");
    }

    [Fact]
    public async Task Stream_HeaderWinsOverTheQuery_EvenWhenTheHeaderIsBad()
    {
        var id = await _server.StartExecutionAsync("quick");
        await _server.WaitUntilTerminalAsync(id);

        var upToDate = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream?lastEventId=2", "8");
        var bad = await RawStream.ReadAsync(_http, $"workflow/executions/{id}/stream?lastEventId=2", "eight");

        Assert.Equal(HttpStatusCode.NoContent, upToDate.Status);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("application/problem+json", bad.MediaType);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:80")]
    [InlineData("127.0.0.1.nip.io")]
    [InlineData("localhost.evil.example")]
    public async Task ForeignHost_Answers421ProblemNamingTheHost(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "workflows");
        request.Headers.Host = host;

        using var response = await _http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.MisdirectedRequest, host.Split(':')[0]);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:1234")]
    [InlineData("[::1]")]
    [InlineData("127.0.0.1:9")]
    public async Task LoopbackHost_AnyPort_IsAnswered(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "workflows");
        request.Headers.Host = host;

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AllowedHost_Configured_IsAnswered_AndOthersStillRefused()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.AllowedHosts.Add("sse.example"));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "workflows") { Headers = { Host = "sse.example:8443" } };
        using var other = new HttpRequestMessage(HttpMethod.Get, "workflows") { Headers = { Host = "evil.example" } };

        using var yes = await http.SendAsync(allowed);
        using var no = await http.SendAsync(other);

        Assert.Equal(HttpStatusCode.OK, yes.StatusCode);
        await AssertProblemAsync(no, HttpStatusCode.MisdirectedRequest, "evil.example");
    }

    [Fact]
    public async Task CrossSitePost_Answers403Problem_AndNoCorsHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "workflow/executions")
        {
            Content = new StringContent("{\"workflowId\":\"quick\"}", Encoding.UTF8, "application/json"),
            Headers = { { "Origin", "http://evil.example" } },
        };
        using var get = new HttpRequestMessage(HttpMethod.Get, "workflows") { Headers = { { "Origin", "http://evil.example" } } };

        using var response = await _http.SendAsync(request);
        using var read = await _http.SendAsync(get);

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "evil.example");
        Assert.False(read.Headers.Contains("Access-Control-Allow-Origin"));
    }

    /// <summary>
    /// Kestrel answers requests it cannot parse before any application code runs, and its answers cannot be given a
    /// body (aspnet/KestrelHttpServer#2947): they stay bodiless, but they are 4xx, never 500.
    /// </summary>
    [Theory]
    [InlineData("GARBAGE\r\nHost: x", 400)]
    [InlineData("GET /workflows HTTP/1.1\r\nConnection: close", 400)]
    [InlineData("GET /workflows HTTP/1.1\r\nHost: a\r\nHost: b", 400)]
    [InlineData("GET /workflow/executions/%00 HTTP/1.1\r\nHost: x", 400)]
    [InlineData("GET /{huge} HTTP/1.1\r\nHost: x", 414)]
    [InlineData("GET /workflows HTTP/1.1\r\nHost: x\r\nX-Pad: {huge}", 431)]
    public async Task UnparsableRequest_KestrelAnswers4xx(string head, int status)
    {
        head = head.Replace("{huge}", new string('a', 200_000), StringComparison.Ordinal);

        var answer = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Request([head, "Connection: close"]));

        Assert.Equal(status, answer.Status);
    }

    /// <summary>Over the limits but within Kestrel's (set 4× higher): the guards answer, with a body that says which limit.</summary>
    [Theory]
    [InlineData("GET /workflows?pad={target} HTTP/1.1\r\nHost: 127.0.0.1", 414, "request target")]
    [InlineData("GET /workflow/executions/{target} HTTP/1.1\r\nHost: 127.0.0.1", 414, "request target")]
    [InlineData("GET /workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: {long}", 431, "headers")]
    [InlineData("GET /workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: {half}\r\nX-B: {half}", 431, "headers")]
    public async Task LongRequest_WithinKestrelsLimits_IsAProblemNamingTheLimit(string head, int status, string mention)
    {
        head = head.Replace("{long}", new string('a', 40_000), StringComparison.Ordinal).Replace("{half}", new string('a', 17_000), StringComparison.Ordinal)
            .Replace("{target}", new string('a', 20_000), StringComparison.Ordinal);

        var answer = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Request([head, "Connection: close"]));

        AssertRawProblem(answer, status, mention);
    }
}
