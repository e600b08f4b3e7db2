using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// SSE endpoints on a free loopback port for the console watcher's output: <c>/tail</c> and execution
/// <c>wf_exec_fixed</c> send a fixed stream (Watcher/Fixtures/*.sse) then end, and answer <c>204</c> to a resume;
/// <c>/silent</c> and execution <c>wf_exec_silent</c> send one event and then nothing until the client goes away.
/// </summary>
internal sealed class FixedStreamServer : IAsyncDisposable
{
    public const string FixedExecution = "wf_exec_fixed";
    public const string SilentExecution = "wf_exec_silent";

    private readonly WebApplication _app;

    private FixedStreamServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The bytes of a fixture under Watcher/Fixtures.</summary>
    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Watcher", "Fixtures", name));

    public static async Task<FixedStreamServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapGet("/tail", context => FixedAsync(context, "tail-fixed.sse"));
        app.MapGet($"/workflow/executions/{FixedExecution}/stream", context => FixedAsync(context, "watch-fixed.sse"));
        app.MapGet($"/workflow/executions/{FixedExecution}", () => Snapshot(FixedExecution, "completed", "4"));
        app.MapGet("/silent", SilentAsync);
        app.MapGet($"/workflow/executions/{SilentExecution}/stream", SilentAsync);
        app.MapGet($"/workflow/executions/{SilentExecution}", () => Snapshot(SilentExecution, "running", "1"));
        await app.StartAsync();
        return new FixedStreamServer(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task FixedAsync(HttpContext context, string fixture)
    {
        if (context.Request.Headers.ContainsKey("Last-Event-ID"))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.WriteAsync(Fixture(fixture), context.RequestAborted);
    }

    /// <summary>One event, then silence: a client that prints it at once did not wait for more.</summary>
    private static async Task SilentAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(
            $$"""
            retry: 1000

            id: 1
            event: workflow.started
            data: {"executionId":"{{SilentExecution}}","timestamp":"2026-11-30T08:00:00Z"}


            """.ReplaceLineEndings("\n"), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away, or the server stops.
        }
    }

    private static IResult Snapshot(string id, string status, string lastEventId) => Results.Text(
        $$"""{"id":"{{id}}","workflowId":"quick","status":"{{status}}","startedAt":"2026-11-30T08:00:00Z","completedAt":{{(status == "running" ? "null" : "\"2026-11-30T08:00:02Z\"")}},"executionTime":{{(status == "running" ? "null" : "1234")}},"lastEventId":"{{lastEventId}}","output":null,"error":null}""",
        "application/json");
}
