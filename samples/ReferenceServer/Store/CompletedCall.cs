namespace ResilientSse.ReferenceServer.Store;

/// <summary>
/// Runs a synchronous store operation (memory, SQLite) and returns it as a completed <see cref="ValueTask"/>: its
/// exception, or a cancellation asked before it ran, is the task's, as an asynchronous store would report it.
/// </summary>
internal static class CompletedCall
{
    public static ValueTask Run(Action action, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            action();
            return ValueTask.CompletedTask;
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }
    }

    public static ValueTask<T> Run<T>(Func<T> function, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(function());
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<T>(ex);
        }
    }
}
