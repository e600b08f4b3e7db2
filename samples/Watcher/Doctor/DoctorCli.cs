using System.CommandLine;
using System.CommandLine.Parsing;
using ResilientSse.Streaming;

namespace ResilientSse.Watcher.Doctor;

/// <summary>The <c>doctor</c> command and its options (CONTRACT §4).</summary>
internal sealed class DoctorCli
{
    public DoctorCli(Argument<Uri> url, Option<string[]> headers)
    {
        Format.AcceptOnlyFromAmong("text", "json");
        Command = new Command("doctor", "Observe any SSE endpoint for a while (through whatever proxies sit in between) and report what would delay or lose events: buffering, idle cuts, heartbeats, retry:, resumption, 204 at the end, event sizes. Exit 0 nothing to fix, 1 something to fix, 2 could not examine.")
        {
            url, Duration, Format, MaxEventSize, headers,
        };
    }

    public Command Command { get; }

    public Option<TimeSpan?> Duration { get; } = new("--duration")
    {
        Description = "How long to observe the stream (default 30s); resumption checks add up to a few seconds.",
        CustomParser = ParseDuration,
    };

    // Local to doctor: it writes one JSON object, where the other commands write JSON lines.
    public Option<string> Format { get; } = new("--format") { Description = "Output: text or json (one object with a findings array).", DefaultValueFactory = _ => "text" };

    public Option<long?> MaxEventSize { get; } = new("--max-event-size")
    {
        Description = "The client's limit on one event, to compare the largest with: 65536, 64KiB, 1MiB (default 1MiB, the library's).",
        CustomParser = ParseBytes,
    };

    public DoctorSettings Settings(ParseResult parse, Argument<Uri> url, Option<string[]> headers) => new(
        parse.GetRequiredValue(url),
        parse.GetValue(Duration) ?? TimeSpan.FromSeconds(30),
        parse.GetValue(Format) == "json",
        parse.GetValue(MaxEventSize) ?? new SseClientOptions().MaxEventSize,
        parse.GetValue(headers) ?? []);

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (ResilientSse.Watcher.Duration.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"--duration '{text}' is not a duration like 500ms, 2s, 5m.");
        return null;
    }

    private static long? ParseBytes(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (DoctorText.TryParseBytes(text, out var value))
        {
            return value;
        }

        result.AddError($"--max-event-size '{text}' is not a size like 65536, 64KiB, 1MiB.");
        return null;
    }
}
