namespace ResilientSse.Watcher;

/// <summary>
/// Ends a command that has had no successful contact with the server within <see cref="GiveUpPolicy.FirstContact"/>:
/// its token is cancelled then, unless <see cref="Contacted"/> came first.
/// </summary>
internal sealed class FirstContactGuard : IDisposable
{
    private readonly CancellationTokenSource _source;
    private int _contacted;

    public FirstContactGuard(TimeSpan budget, CancellationToken cancellationToken)
    {
        Budget = budget;
        _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _source.CancelAfter(budget);
    }

    public TimeSpan Budget { get; }

    /// <summary>Cancelled when the command is, or when the budget ran out without contact.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>True once the server answered successfully.</summary>
    public bool HasContact => Volatile.Read(ref _contacted) == 1;

    /// <summary>True when the token was cancelled because the budget ran out without contact.</summary>
    public bool GaveUp(CancellationToken outer) => !HasContact && _source.IsCancellationRequested && !outer.IsCancellationRequested;

    /// <summary>The server answered: the guard stands down for good.</summary>
    public void Contacted()
    {
        if (Interlocked.Exchange(ref _contacted, 1) == 0)
        {
            try
            {
                _source.CancelAfter(Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The command has already ended.
            }
        }
    }

    public void Dispose() => _source.Dispose();
}
