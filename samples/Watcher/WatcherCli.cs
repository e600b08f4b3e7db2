using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using ResilientSse.Watcher.Doctor;

namespace ResilientSse.Watcher;

/// <summary>The commands, arguments and options of the console watcher (CONTRACT §4).</summary>
internal sealed class WatcherCli
{
    public const string Examples = """
        Examples:
          watcher demo
          watcher run very-long --server http://127.0.0.1:5080 --input '{"stages":5,"delayMs":1000}'
          watcher watch wf_exec_01J... --server http://127.0.0.1:5080 --format jsonl
          watcher tail http://127.0.0.1:5080/workflow/executions/wf_exec_01J.../stream --last-event-id 7 --header "Authorization: Bearer x"
          watcher doctor https://example.com/workflow/executions/wf_exec_01J.../stream --duration 30s --format json
        Durations: 500ms, 2s, 5m, 1h. Exit codes: 0 completed, 1 failed or cancelled, 2 watch error, 130 interrupted.
        """;

    public WatcherCli()
    {
        Format.AcceptOnlyFromAmong("text", "jsonl");
        Doctor = new DoctorCli(Url, Headers);
        Root = new RootCommand("Watches executions over Server-Sent Events, and never loses the ending.\n\n" + Examples)
        {
            Format, IdleTimeout, GiveUpAfter, Verbose, Watch, Run, Demo, Tail, Doctor.Command,
        };
        Watch.Add(ExecutionId);
        Watch.Add(Server);
        Run.Add(WorkflowId);
        Run.Add(Server);
        Run.Add(Input);
        Tail.Add(Url);
        Tail.Add(LastEventId);
        Tail.Add(Headers);
    }

    public RootCommand Root { get; }

    public Command Watch { get; } = new("watch", "Watch one execution to its end.");

    public Command Run { get; } = new("run", "Start an execution of a workflow and watch it.");

    public Command Demo { get; } = new("demo", "Start the reference server in-process with faults on, run a long workflow, and watch every event arrive once.");

    public Command Tail { get; } = new("tail", "Follow any SSE endpoint through the resilient layer: reconnect, resume, retry:, idle timeout.");

    public DoctorCli Doctor { get; }

    public Option<string> Format { get; } = new("--format") { Description = "Output: text or jsonl.", DefaultValueFactory = _ => "text", Recursive = true };

    public Option<TimeSpan?> IdleTimeout { get; } = new("--idle-timeout")
    {
        Description = "Reconnect when a stream sends no bytes for this long (default 60s).",
        CustomParser = ParseDuration,
        Recursive = true,
    };

    public Option<TimeSpan?> GiveUpAfter { get; } = new("--give-up-after")
    {
        Description = "Give up after this long without reaching the server (default 10m).",
        CustomParser = ParseDuration,
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Report connections, reconnects, gaps and fallbacks on stderr.", Recursive = true };

    public Option<Uri> Server { get; } = new("--server") { Description = "The server's base address, e.g. http://127.0.0.1:5080.", Required = true, CustomParser = ParseUrl };

    public Option<string?> Input { get; } = new("--input") { Description = "The workflow's input, a JSON object.", CustomParser = ParseJsonObject };

    public Option<string?> LastEventId { get; } = new("--last-event-id") { Description = "Resume after this event ID." };

    public Option<string[]> Headers { get; } = new("--header") { Description = "A request header, \"Name: value\"; repeatable.", CustomParser = ParseHeaders, Arity = ArgumentArity.ZeroOrMore };

    public Argument<string> ExecutionId { get; } = new("executionId") { Description = "The execution to watch." };

    public Argument<string> WorkflowId { get; } = new("workflowId") { Description = "The workflow to run: quick, very-long, failing." };

    public Argument<Uri> Url { get; } = new("url") { Description = "The SSE endpoint.", CustomParser = ParseUrl };

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (Duration.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration like 500ms, 2s, 5m.");
        return null;
    }

    private static Uri ParseUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"'{text}' is not an http or https URL.");
        return null!;
    }

    private static string? ParseJsonObject(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        try
        {
            using var document = JsonDocument.Parse(text ?? string.Empty);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return text;
            }
        }
        catch (JsonException)
        {
        }

        result.AddError($"--input '{text}' is not a JSON object.");
        return null;
    }

    private static string[] ParseHeaders(ArgumentResult result)
    {
        var headers = new List<string>();
        foreach (var token in result.Tokens)
        {
            var colon = token.Value.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || token.Value[..colon].Any(char.IsWhiteSpace))
            {
                result.AddError($"--header '{token.Value}' is not \"Name: value\".");
                return [];
            }

            headers.Add(token.Value);
        }

        return [.. headers];
    }
}
