using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary>Shows a watch: its events, gaps and notices, as text, a live view, or JSON lines.</summary>
internal interface IEventRenderer : IAsyncDisposable
{
    void Begin(string executionId);

    void Event(ExecutionEvent item);

    void Notice(ExecutionWatchNotice notice);

    /// <summary>The watch itself failed; <paramref name="reason"/> says why in one line.</summary>
    void Failed(string reason)
    {
    }
}
