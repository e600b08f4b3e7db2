using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ResilientSse.Watcher.Commands;
using ResilientSse.Watcher.Output;
using ResilientSse.Watcher.Doctor;

namespace ResilientSse.Watcher;

/// <summary>Parses the command line, runs the command, and turns every outcome into an exit code (CONTRACT §4).</summary>
internal static class WatcherApp
{
    public static async Task<int> RunAsync(string[] args, BufferedStdout stdout, TextWriter stderr)
    {
        var cli = new WatcherCli();
        var parse = cli.Root.Parse(args);
        if (args.Any(a => a is "--help" or "-h" or "-?") || args is ["--version"])
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }) == 0 ? ExitCodes.Completed : ExitCodes.WatchError;
        }

        if (parse.Errors.Count > 0)
        {
            // "Unrecognized command or argument 'x'" says more than "Required command was not provided".
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            var oneLine = string.Join(' ', error.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            stderr.WriteLine($"{WatcherCli.ProgramName}: {oneLine} (--help shows the usage)");
            return ExitCodes.WatchError;
        }

        var command = parse.CommandResult.Command;
        if (command == cli.Root)
        {
            var commands = string.Join(", ", cli.Root.Subcommands.Select(c => c.Name));
            stderr.WriteLine($"{WatcherCli.ProgramName}: a command is required: {commands} (--help shows the usage)");
            return ExitCodes.WatchError;
        }

        using var interrupt = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupt.Cancel();
        });
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var settings = new WatchSettings(parse.GetValue(cli.Format) ?? "text", parse.GetValue(cli.IdleTimeout), parse.GetValue(cli.GiveUpAfter), parse.GetValue(cli.Verbose))
        {
            MaxEventSize = parse.GetValue(cli.MaxEventSize),
        };
        var target = command == cli.Tail ? parse.GetValue(cli.Url) : command.Options.Contains(cli.Server) ? parse.GetValue(cli.Server) : null;
        try
        {
            return await DispatchAsync(cli, parse, command, settings, stdout, stderr, interrupt.Token);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            stderr.WriteLine($"{WatcherCli.ProgramName}: interrupted.");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is ResilientSseException or HttpRequestException or OptionsValidationException or StartFailedException or UnexpectedAnswerException or JsonException or ArgumentException)
        {
            stderr.WriteLine($"{WatcherCli.ProgramName}: {TroubleText.Failure(ex, target)}");
            return ExitCodes.WatchError;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> DispatchAsync(WatcherCli cli, ParseResult parse, Command command, WatchSettings settings, BufferedStdout stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (command == cli.Demo)
        {
            return await DemoCommand.RunAsync(settings, stdout, stderr, cancellationToken);
        }

        if (command == cli.Doctor.Command)
        {
            return await DoctorCommand.RunAsync(cli.Doctor.Settings(parse, cli.Url, cli.Headers), stdout, stderr, cancellationToken);
        }

        if (command == cli.Tail)
        {
            return await TailCommand.RunAsync(settings, parse.GetRequiredValue(cli.Url), parse.GetValue(cli.LastEventId), parse.GetValue(cli.Headers) ?? [], stdout, stderr, cancellationToken);
        }

        var server = parse.GetValue(cli.Server) ?? WatcherCli.DefaultServer;
        server = server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        if (command == cli.Workflows)
        {
            return await WorkflowsCommand.RunAsync(settings, server, stdout, cancellationToken);
        }

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var runner = new WatchRunner(settings, stdout, stderr);
        if (command == cli.Run)
        {
            var workflowId = parse.GetRequiredValue(cli.WorkflowId);
            var input = parse.GetValue(cli.Input);
            var giveUp = GiveUpPolicy.From(settings, settings.GiveUpAfter ?? TimeSpan.FromMinutes(10));
            var id = await ExecutionStarter.StartAsync(http, server, workflowId, input, giveUp, stderr, settings.Verbose, cancellationToken);
            if (settings.Format != "jsonl")
            {
                stderr.WriteLine($"Started {workflowId}: {id}");
            }

            return await runner.WatchAsync(http, server, id, ExecutionStarter.ExpectedStages(workflowId, input), null, cancellationToken);
        }

        return await runner.WatchAsync(http, server, parse.GetRequiredValue(cli.ExecutionId), null, null, cancellationToken);
    }
}
