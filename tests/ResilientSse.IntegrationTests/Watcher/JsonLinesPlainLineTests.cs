using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ResilientSse.Executions;
using ResilientSse.Watcher.Output;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>
/// The <c>--format jsonl</c> line put together byte by byte for plain events is the very line the JSON writer writes;
/// every other event is left to the writer. Events from a real watch, over an in-memory stream.
/// </summary>
public sealed class JsonLinesPlainLineTests
{
    [Theory]
    [InlineData("workflow.completed")]
    [InlineData("workflow.failed")]
    [InlineData("workflow.cancelled")]
    public async Task WritePlainLine_PlainEvents_SameBytesAsTheWriter(string terminalType)
    {
        var stream = new StringBuilder();
        var id = 0;
        for (var c = (char)0x20; c <= (char)0x7E; c++)
        {
            // Every printable ASCII character in an event type (a space or colon ends the field name, so they go inside).
            stream.Append($"id: {++id}\nevent: type{c}x\ndata: {{\"n\":{id},\"s\":\"a{(c is '"' or '\\' ? 'q' : c)}b\",\"list\":[true,false,null,-1.5e3]}}\n\n");
        }

        stream.Append("event: node.progress\ndata: {\"pct\":50}\n\n");
        stream.Append($"id: {++id}\nevent: {terminalType}\ndata: {{\"status\":\"done\"}}\n\n");

        var items = await WatchAsync(stream.ToString());

        Assert.Equal(id + 1, items.Count);
        var plain = 0;
        foreach (var item in items)
        {
            var line = PlainLine(item);
            if (line is not null)
            {
                plain++;
                Assert.Equal(JsonLines.Format(item), line);
            }
        }

        // Only the types with a quote or a backslash go to the writer.
        Assert.Equal(items.Count - 2, plain);
        Assert.NotNull(PlainLine(items[^1]));
        Assert.Contains("\"id\":null", PlainLine(items[^2]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\": 1}")]
    [InlineData("{\"s\":\"caf\u00e9\"}")]
    [InlineData("{\"s\":\"tab\\t\"}")]
    [InlineData("{\"s\":\"del\u007f\"}")]
    public async Task WritePlainLine_DataTheWriterChanges_LeavesTheLineToTheWriter(string data)
    {
        var items = await WatchAsync($"id: 1\nevent: node.started\ndata: {data}\n\nid: 2\nevent: workflow.completed\ndata: {{}}\n\n");

        Assert.Null(PlainLine(items[0]));
        Assert.NotNull(PlainLine(items[1]));
    }

    private static string? PlainLine(ExecutionEvent item)
    {
        var buffer = new byte[JsonLines.PlainLineMaxLength(item)];
        var length = JsonLines.WritePlainLine(item, buffer);
        return length < 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static async Task<List<ExecutionEvent>> WatchAsync(string body)
    {
        using var http = new HttpClient(new StreamHandler(Encoding.UTF8.GetBytes(body)));
        var watcher = new ExecutionWatcher(http, new ExecutionWatcherOptions { BaseAddress = new Uri("http://127.0.0.1/") });
        var items = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync("exec-1"))
        {
            items.Add(item);
        }

        return items;
    }

    private sealed class StreamHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }
}
