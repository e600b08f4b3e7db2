using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>
/// A small SSE server on 127.0.0.1 that gets one thing right or wrong on purpose (ids 1..n, a JSON <c>timestamp</c> in
/// every event), so that each of <c>doctor</c>'s findings can be shown to appear where it should and nowhere else.
/// </summary>
internal sealed class ScriptedSseServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedSseServer(WebApplication app, Uri streamUrl)
    {
        _app = app;
        StreamUrl = streamUrl;
    }

    public Uri StreamUrl { get; }

    public static async Task<ScriptedSseServer> StartAsync(ScriptedSseScript script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/stream", context => ServeAsync(context, script));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ScriptedSseServer(app, new Uri(new Uri(address), "/stream"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task ServeAsync(HttpContext context, ScriptedSseScript script)
    {
        var request = context.Request;
        var raw = script.ReadHeader && request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } header ? header : request.Query["lastEventId"].FirstOrDefault();
        var next = script.HonourLastEventId && long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var after) ? after + 1 : 1;
        var response = context.Response;
        if (next > script.Events)
        {
            response.StatusCode = script.EndWith204 ? StatusCodes.Status204NoContent : StatusCodes.Status200OK;
            response.ContentType = "text/event-stream";
            return;
        }

        response.ContentType = script.ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        Stream body = response.Body;
        if (script.Compress)
        {
            response.Headers.ContentEncoding = "gzip";
            body = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
        }

        await using (body)
        {
            try
            {
                await WriteAsync(body, script.SendRetry ? "retry: 100\n\n" : string.Empty, context.RequestAborted);
                for (var id = next; id <= script.Events; id++)
                {
                    var timestamp = TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                    var padding = new string('x', script.PaddingBytes);
                    await WriteAsync(body, $"id: {id}\nevent: tick\ndata: {{\"n\":{id},\"timestamp\":\"{timestamp}\",\"padding\":\"{padding}\"}}\n\n", context.RequestAborted);
                    if (id < script.Events)
                    {
                        await WaitAsync(body, script, context.RequestAborted);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The doctor hung up.
            }
        }
    }

    /// <summary>Waits one event interval, writing heartbeats within it when the script has them.</summary>
    private static async Task WaitAsync(Stream body, ScriptedSseScript script, CancellationToken cancellationToken)
    {
        var left = script.EventInterval;
        while (script.Heartbeat is { } heartbeat && left > heartbeat)
        {
            await Task.Delay(heartbeat, cancellationToken);
            await WriteAsync(body, ": keep-alive\n\n", cancellationToken);
            left -= heartbeat;
        }

        await Task.Delay(left, cancellationToken);
    }

    private static async Task WriteAsync(Stream body, string text, CancellationToken cancellationToken)
    {
        await body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await body.FlushAsync(cancellationToken);
    }
}
