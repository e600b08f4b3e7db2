using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text.Encodings.Web;
using System.Text.Json;

// The raw baseline of `cli` in the benchmarks: HttpClient + System.Net.ServerSentEvents.SseParser, each event written
// as the JSON line `ssewatch tail --format jsonl` writes ({"type","data","id"}) into a 32 KiB buffer that goes to
// stdout whenever it fills, and at the end. No reconnection, no idle timeout, no size limit, no flush while the stream
// is quiet: the least a program can do to print the stream.
//   dotnet RawSseCli.dll <url>
const int Capacity = 32 * 1024;
using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
using var response = await http.GetAsync(new Uri(args[0]), HttpCompletionOption.ResponseHeadersRead);
response.EnsureSuccessStatusCode();
await using var body = await response.Content.ReadAsStreamAsync();
using var stdout = Console.OpenStandardOutput();
var buffer = new ArrayBufferWriter<byte>(2 * Capacity);

// Over a Stream, Utf8JsonWriter.Flush flushes the stream too (one write per event): it writes into the buffer instead.
using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
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
    buffer.Write("\n"u8);
    if (buffer.WrittenCount >= Capacity)
    {
        stdout.Write(buffer.WrittenSpan);
        buffer.ResetWrittenCount();
    }
}

stdout.Write(buffer.WrittenSpan);
return 0;
