using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary><c>--format jsonl</c>: one JSON object per yielded event on stdout; notices, when verbose, on stderr only.</summary>
internal sealed class JsonLinesRenderer(TextWriter stdout, TextWriter stderr, bool verbose) : IEventRenderer
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
        if (verbose)
        {
            stderr.WriteLine($"watcher: {notice.Kind}: {notice.Message}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
