using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary><c>--format jsonl</c>: one JSON object per yielded event on stdout; diagnostics on stderr only.</summary>
internal sealed class JsonLinesRenderer(TextWriter stdout, TextWriter stderr, bool verbose, WatchNarrator narrator) : IEventRenderer
{
    public void Begin(string executionId)
    {
    }

    public void Event(ExecutionEvent item)
    {
        stdout.Write(JsonLines.Format(item) + "\n");
        stdout.Flush();
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
