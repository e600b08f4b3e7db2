using System.Runtime.CompilerServices;
using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary><c>--format jsonl</c>: one JSON object per yielded event on stdout (buffered until the stream goes quiet); diagnostics on stderr only.</summary>
internal sealed class JsonLinesRenderer(BufferedStdout stdout, TextWriter stderr, bool verbose, WatchNarrator narrator) : IEventRenderer
{
    public void Begin(string executionId)
    {
    }

    /// <summary>Buffers the line: the command writes stdout out whenever the stream has nothing more ready.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Event(ExecutionEvent item)
    {
        if (!stdout.TryAppendLine(item, JsonLines.PlainLineMaxLength(item), JsonLines.WritePlainLine))
        {
            stdout.AppendJsonLine(item, JsonLines.Write);
        }
    }

    public void Notice(ExecutionWatchNotice notice)
    {
        var narration = narrator.Narrate(notice);
        if ((verbose ? narration.Line : narration.Show) is { } line)
        {
            stderr.WriteLine($"{WatcherCli.ProgramName}: {line}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
