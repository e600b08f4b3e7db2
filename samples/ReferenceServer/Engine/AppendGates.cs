namespace ResilientSse.ReferenceServer.Engine;

/// <summary>
/// One asynchronous gate per execution: whoever holds it is the only writer of that execution's log on this server,
/// and may await the store meanwhile (a <see langword="lock"/> cannot be held across an await). Appends to different
/// executions never wait on each other. A gate exists while someone holds it or waits for it, then is dropped.
/// </summary>
internal sealed class AppendGates
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Waits until the gate of <paramref name="executionId"/> is free and takes it; disposing the result gives it back.</summary>
    public async ValueTask<Held> EnterAsync(string executionId)
    {
        Gate gate;
        lock (_lock)
        {
            if (!_gates.TryGetValue(executionId, out gate!))
            {
                _gates.Add(executionId, gate = new Gate());
            }

            gate.Users++;
        }

        await gate.Semaphore.WaitAsync().ConfigureAwait(false);
        return new Held(this, executionId, gate);
    }

    /// <summary>Gets how many executions have a gate now (held or waited for).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _gates.Count;
            }
        }
    }

    private void Leave(string executionId, Gate gate)
    {
        gate.Semaphore.Release();
        lock (_lock)
        {
            if (--gate.Users == 0)
            {
                // Nobody holds or waits for it, and newcomers find no entry: they make a new gate.
                _gates.Remove(executionId);
            }
        }
    }

    /// <summary>An execution's semaphore, and how many hold it or wait for it.</summary>
    internal sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    /// <summary>A held gate; disposing it gives the gate back (once).</summary>
    internal sealed class Held(AppendGates gates, string executionId, Gate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gates.Leave(executionId, gate);
            }
        }
    }
}
