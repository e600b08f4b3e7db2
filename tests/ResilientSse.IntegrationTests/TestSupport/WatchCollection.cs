using ResilientSse.Executions;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Collects a watch's events, and checks that a run's events came whole.</summary>
internal static class WatchCollection
{
    /// <summary>Every event of the watch, in order; <paramref name="received"/> is told how many so far after each.</summary>
    public static async Task<List<ExecutionEvent>> CollectAsync(IExecutionWatcher watcher, string id, Action<int>? received, CancellationToken cancellationToken)
    {
        var items = new List<ExecutionEvent>();
        await foreach (var item in watcher.WatchAsync(id, cancellationToken))
        {
            items.Add(item);
            received?.Invoke(items.Count);
        }

        return items;
    }

    /// <summary>Every event of a <c>very-long</c> run of <paramref name="stages"/> stages once, in order, with no gap, and the terminal one last.</summary>
    public static void AssertWhole(List<ExecutionEvent> items, int stages)
    {
        Assert.DoesNotContain(items, e => e.Kind == ExecutionEventKind.Gap);
        Assert.Equal(Enumerable.Range(1, (2 * stages) + 2).Select(i => (long?)i), items.Select(e => e.Sequence));
        Assert.True(items[^1].IsTerminal);
    }
}

/// <summary>Completes <see cref="Reached"/> once signalled <c>count</c> times (further signals do nothing).</summary>
internal sealed class Countdown(int count)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _left = count;

    public Task Reached => _reached.Task;

    public void Signal()
    {
        if (Interlocked.Decrement(ref _left) == 0)
        {
            _reached.TrySetResult();
        }
    }
}
