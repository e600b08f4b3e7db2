using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Text.Json;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.Watcher.Doctor;

namespace ResilientSse.Watcher;

/// <summary>The commands, arguments and options of the console watcher (CONTRACT §4).</summary>
internal sealed class WatcherCli
{
    /// <summary>The name people type: the .NET tool's command name, and the name help and messages use.</summary>
    public const string ProgramName = "ssewatch";

    /// <summary>The server the commands talk to unless <c>--server</c> says otherwise (the reference server's address).</summary>
    public static readonly Uri DefaultServer = new("http://127.0.0.1:5080/");

    public const string WatchExitCodes = "Exit codes: 0 the execution completed; 1 it failed or was cancelled; 2 the watch itself failed (unknown execution, gave up, bad arguments, bad server data); 130 interrupted.";

    public const string Examples = """
        Examples:
          ssewatch demo
          ssewatch workflows
          ssewatch run very-long --input '{"stages":5,"delayMs":1000}'
          ssewatch watch wf_exec_01J... --server http://127.0.0.1:5080 --format jsonl
          ssewatch doctor http://127.0.0.1:5080/workflow/executions/wf_exec_01J.../stream --duration 30s --format json
          ssewatch tail http://127.0.0.1:5080/workflow/executions/wf_exec_01J.../stream --last-event-id 7 --header "Authorization: Bearer x"
        (From a clone: dotnet run --project samples/Watcher -- <command> ...)
        Durations: 500ms, 2s, 1m30s, 1h. Sizes: 1048576, 512KiB, 10MiB.
        Exit codes: 0 completed (tail: the server said 204; workflows: listed); 1 the execution failed or was cancelled; 2 the command itself failed (unknown execution, gave up, bad arguments, bad server data); 130 interrupted.
        """;

    public WatcherCli()
    {
        Format.AcceptOnlyFromAmong("text", "jsonl");

        Doctor = new DoctorCli(Url, Headers);
        // A root named explicitly: System.CommandLine's RootCommand names itself after the executable or assembly
        // (ResilientSse.Watcher), which is not what people type once the tool is installed.
        var help = new HelpOption();
        Root = new Command(ProgramName, "Watches executions over Server-Sent Events, and never loses the ending.")
        {
            help, new VersionOption(), Format, IdleTimeout, GiveUpAfter, MaxEventSize, Verbose, Watch, Run, Demo, Tail, Workflows, Doctor.Command,
        };
        // The shared options belong to the commands that watch or follow a stream (and to the root, so they may come
        // first); doctor has its own --format and --max-event-size, so they are not inherited by every command.
        foreach (var command in new[] { Watch, Run, Demo, Tail, Workflows })
        {
            command.Add(Format);
            command.Add(IdleTimeout);
            command.Add(GiveUpAfter);
            command.Add(MaxEventSize);
            command.Add(Verbose);
        }

        Watch.Add(ExecutionId);
        Watch.Add(Server);
        Run.Add(WorkflowId);
        Run.Add(Server);
        Run.Add(Input);
        Tail.Add(Url);
        Tail.Add(LastEventId);
        Tail.Add(Headers);
        Workflows.Add(Server);

        // Each command's help ends with what it needs beyond the usage: its exit codes, and for run the input fields.
        _epilogues[Root] = Examples;
        _epilogues[Watch] = WatchExitCodes;
        _epilogues[Run] = RunInputs() + "\n\n" + WatchExitCodes;
        _epilogues[Demo] = "Exit codes: 0 every event arrived once and the run completed; 2 the check or the watch failed; 130 interrupted.";
        _epilogues[Tail] = "Exit codes: 0 the server answered 204 (nothing more to send); 2 a permanent error, an oversized event, or gave up; 130 interrupted.";
        _epilogues[Workflows] = "Exit codes: 0 listed; 2 the server could not be reached or answered an error; 130 interrupted.";
        _epilogues[Doctor.Command] = "Exit codes: 0 nothing needs fixing; 1 a finding needs action; 2 the endpoint could not be examined (unreachable, an error status, not text/event-stream); 130 interrupted.";
        if (help.Action is HelpAction helpAction)
        {
            help.Action = new HelpWithEpilogue(helpAction, Epilogue);
        }
    }

    private readonly Dictionary<Command, string> _epilogues = [];

    /// <summary>Adds a section at the end of <paramref name="command"/>'s help (exit codes, inputs, examples).</summary>
    public void AddEpilogue(Command command, string text) => _epilogues[command] = text;

    public Command Root { get; }

    public Command Watch { get; } = new("watch", "Watch one execution to its end, saying why whenever it reconnects or polls, and end with a summary.");

    public Command Run { get; } = new("run", "Start an execution of a workflow and watch it to its end (as watch does).");

    public Command Demo { get; } = new("demo", "Start the reference server in-process with faults on, run a long workflow, and watch every event arrive once.");

    public Command Tail { get; } = new("tail", "Follow any SSE endpoint through the resilient layer: reconnect, resume, retry:, idle timeout.");

    public Command Workflows { get; } = new("workflows", "List the server's workflows and the input fields each reads (GET /workflows).");

    public DoctorCli Doctor { get; }

    public Option<string> Format { get; } = new("--format") { Description = "Output: text or jsonl.", DefaultValueFactory = _ => "text" };

    public Option<TimeSpan?> IdleTimeout { get; } = new("--idle-timeout")
    {
        Description = "Reconnect when a stream sends no bytes for this long, e.g. 30s (default 60s).",
        CustomParser = ParseDuration,
    };

    public Option<TimeSpan?> GiveUpAfter { get; } = new("--give-up-after")
    {
        Description = "Give up, with exit code 2 and the last reason, after this long without contact with the server, e.g. 3s, 2m " +
            "(default 30s while the server has never answered, 10m once it has).",
        CustomParser = ParseDuration,
    };

    public Option<int?> MaxEventSize { get; } = new("--max-event-size")
    {
        Description = "The largest event or line the stream may carry, e.g. 512KiB, 10MiB, 1048576 (default 1MiB); a larger one ends the command with exit code 2.",
        CustomParser = ParseSize,
    };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Report every connection, reconnect, gap and fallback (on stderr; in the live view, below it)." };

    public Option<Uri> Server { get; } = new("--server")
    {
        Description = "The server's base address.",
        DefaultValueFactory = _ => DefaultServer,
        CustomParser = ParseUrl,
    };

    public Option<string?> Input { get; } = new("--input") { Description = "The workflow's input, a JSON object, e.g. '{\"stages\":5,\"delayMs\":1000}'.", CustomParser = ParseJsonObject };

    public Option<string?> LastEventId { get; } = new("--last-event-id") { Description = "Resume after this event ID." };

    public Option<string[]> Headers { get; } = new("--header") { Description = "A request header, \"Name: value\"; repeatable.", CustomParser = ParseHeaders, Arity = ArgumentArity.ZeroOrMore };

    public Argument<string> ExecutionId { get; } = new("executionId") { Description = "The execution to watch." };

    public Argument<string> WorkflowId { get; } = new("workflowId") { Description = "The workflow to run: " + string.Join(", ", WorkflowCatalog.Definitions.Select(w => w.Id)) + " (the reference server's; workflows lists a server's)." };

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

    private string Epilogue(Command command) => _epilogues.TryGetValue(command, out var own) ? own
        : "Exit codes: 0 done; 2 the command failed (bad arguments, unreachable server, bad server data); 130 interrupted.";

    /// <summary>The input fields of the reference server's workflows, for <c>run --help</c>.</summary>
    private static string RunInputs() =>
        "Input fields (--input, all optional) of the reference server's workflows:\n" + string.Join('\n', WorkflowCatalog.Definitions.Select(w =>
            $"  {w.Id}: " + (w.Inputs.Count == 0 ? "none" : string.Join(", ", w.Inputs.Select(i => $"{i.Name} ({i.Description}, default {i.Default})")))));

    private static int? ParseSize(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (ByteSize.TryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"'{text}' is not a size like 1048576, 512KiB, 10MiB.");
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
