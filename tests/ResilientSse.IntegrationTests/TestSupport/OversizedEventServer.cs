using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// An SSE endpoint on a free loopback port that sends one event whose data is <see cref="DataSize"/> bytes (id 1), then
/// answers <c>204</c> to a request that resumes after it; served at <see cref="Url"/> and as the stream of execution
/// <c>big</c> (whose snapshot says running), under <see cref="BaseAddress"/>.
/// </summary>
internal sealed class OversizedEventServer : IAsyncDisposable
{
    public const int DataSize = 2 * 1024 * 1024;

    private readonly WebApplication _app;

    private OversizedEventServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>The base address, for the execution <c>big</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The SSE endpoint.</summary>
    public Uri Url => new(BaseAddress, "big");

    public static async Task<OversizedEventServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapGet("/workflow/executions/big", () => Results.Text(
            """{"id":"big","workflowId":"quick","status":"running","startedAt":"2026-11-30T08:00:00Z","completedAt":null,"executionTime":null,"lastEventId":"1","output":null,"error":null}""",
            "application/json"));
        app.MapGet("/workflow/executions/big/stream", WriteAsync);
        app.MapGet("/big", WriteAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        return new OversizedEventServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task WriteAsync(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey("Last-Event-ID"))
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var frame = "id: 1\ndata: " + new string('x', DataSize) + "\n\n";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(frame), context.RequestAborted);
    }
}
