using System.Net.ServerSentEvents;
using System.Text.Encodings.Web;
using System.Text.Json;

// The raw baseline of `cli` in the benchmarks: HttpClient + System.Net.ServerSentEvents.SseParser, each event written
// as the JSON line `ssewatch tail --format jsonl` writes ({"type","data","id"}) into buffered stdout, one flush at the
// end. No reconnection, no idle timeout, no size limit: the least a program can do to print the stream.
//   dotnet RawSseCli.dll <url>
using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
using var response = await http.GetAsync(new Uri(args[0]), HttpCompletionOption.ResponseHeadersRead);
response.EnsureSuccessStatusCode();
await using var body = await response.Content.ReadAsStreamAsync();
await using var stdout = new BufferedStream(Console.OpenStandardOutput(), 32 * 1024);
await using var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
var lastEventId = string.Empty;
await foreach (var item in SseParser.Create(body).EnumerateAsync())
{
    lastEventId = item.EventId ?? lastEventId;
    json.Reset();
    json.WriteStartObject();
    json.WriteString("type", item.EventType);
    json.WriteString("data", item.Data);
    json.WriteString("id", lastEventId);
    json.WriteEndObject();
    json.Flush();
    stdout.WriteByte((byte)'\n');
}

await stdout.FlushAsync();
return 0;
