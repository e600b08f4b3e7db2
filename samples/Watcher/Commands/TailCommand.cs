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
        var events = client.SubscribeAsync(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            foreach (var header in headers)
            {
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
            }

            return request;
        }, lastEventId, cancellationToken);

        var jsonl = settings.Format == "jsonl";
        var enumerator = events.GetAsyncEnumerator(cancellationToken);
        await using (enumerator)
        {
            try
            {
                while (await stdout.MoveNextFlushingWhenQuietAsync(enumerator))
                {
                    // The contract prints the last event ID in effect, which an item without its own id still has.
                    var item = enumerator.Current;
                    var inEffect = events.LastEventId;
                    if (jsonl)
                    {
                        stdout.AppendJsonLine((item.EventType, item.Data, inEffect), static (writer, e) => JsonLines.WriteTail(writer, e.EventType, e.Data, e.inEffect));
                    }
                    else
                    {
                        if (inEffect.Length > 0)
                        {
                            stdout.Append("[");
                            stdout.Append(inEffect);
                            stdout.Append("] ");
                        }

                        stdout.Append(item.EventType);
                        stdout.Append(": ");
                        stdout.AppendLine(item.Data);
                    }
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
}
