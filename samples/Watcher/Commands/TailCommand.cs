using System.Text;
using ResilientSse.Streaming;
using ResilientSse.Watcher.Output;

namespace ResilientSse.Watcher.Commands;

/// <summary><c>tail</c>: follows any SSE endpoint through the generic resilient layer — a resilient <c>curl -N</c> for SSE.</summary>
internal static class TailCommand
{
    public static async Task<int> RunAsync(WatchSettings settings, Uri url, string? lastEventId, IReadOnlyList<string> headers, BufferedStdout stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var options = new SseClientOptions();
        if (settings.IdleTimeout is { } idle)
        {
            options.IdleTimeout = idle;
        }

        if (settings.MaxEventSize is { } maxEventSize)
        {
            options.MaxEventSize = maxEventSize;
        }

        var giveUp = GiveUpPolicy.Apply(settings, options);
        var narrator = new WatchNarrator(url, giveUp);
        options.OnNotice = notice =>
        {
            var narration = narrator.Narrate(notice);
            if ((settings.Verbose ? narration.Line : narration.Show) is { } line)
            {
                stderr.WriteLine($"{WatcherCli.ProgramName}: {line}");
            }
        };

        // Event ids may hold any character; WHATWG sends the last one back as UTF-8.
        using var handler = new SocketsHttpHandler
        {
            RequestHeaderEncodingSelector = (name, _) => string.Equals(name, "Last-Event-ID", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null,
        };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new SseClient(http, options);

        // Each event's line is written as the event is dispatched, from the data's UTF-8 bytes (no string in between
        // for jsonl); the loop below only decides when stdout goes out: whenever the stream has nothing more ready.
        var jsonl = settings.Format == "jsonl";
        SseSubscription<bool>? events = null;
        events = client.SubscribeAsync(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var header in headers)
            {
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
            }

            return request;
        }, (type, data) =>
        {
            // The contract prints the last event ID in effect, which an event without its own id still has.
            WriteLine(stdout, jsonl, new TailEvent(type, data, events!.LastEventId));
            return true;
        }, lastEventId, cancellationToken);

        var enumerator = events.GetAsyncEnumerator(cancellationToken);
        await using (enumerator)
        {
            try
            {
                while (await stdout.MoveNextFlushingWhenQuietAsync(enumerator))
                {
                }
            }
            finally
            {
                // Before the connection is closed: the last events are on stdout whatever ends the stream.
                stdout.Flush();
            }
        }

        if (settings.Verbose)
        {
            stderr.WriteLine($"{WatcherCli.ProgramName}: the server answered 204: nothing more to send.");
        }

        return ExitCodes.Completed;
    }

    /// <summary>Buffers one event's line: <c>{"type","data","id"}</c>, or <c>[id] type: data</c> as text.</summary>
    private static void WriteLine(BufferedStdout stdout, bool jsonl, TailEvent item)
    {
        if (jsonl)
        {
            stdout.AppendJsonLine(item, static (writer, item) => JsonLines.WriteTail(writer, item));
            return;
        }

        if (item.LastEventId.Length > 0)
        {
            stdout.Append("[");
            stdout.Append(item.LastEventId);
            stdout.Append("] ");
        }

        stdout.Append(item.Type);
        stdout.Append(": ");
        stdout.AppendLine(Encoding.UTF8.GetString(item.Data));
    }
}
