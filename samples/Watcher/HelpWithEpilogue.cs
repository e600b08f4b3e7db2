using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace ResilientSse.Watcher;

/// <summary>The standard help, followed by a section of the command's own: its exit codes, inputs or examples.</summary>
internal sealed class HelpWithEpilogue(HelpAction help, Func<Command, string> epilogue) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var exitCode = help.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        foreach (var line in epilogue(parseResult.CommandResult.Command).TrimEnd().Split('\n'))
        {
            output.WriteLine(("  " + line.TrimEnd()).TrimEnd());
        }

        output.WriteLine();
        return exitCode;
    }
}
