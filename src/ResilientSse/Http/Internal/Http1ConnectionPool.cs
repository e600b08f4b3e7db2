using System.Net.Sockets;

namespace ResilientSse.Http.Internal;

/// <summary>
/// Idle connections kept for the next request to the same origin, newest first, each for at most the idle timeout: a
/// watcher's snapshot reads and short requests reuse them instead of opening (and leaving in <c>TIME_WAIT</c>) a
/// connection each. A connection the server closed or wrote to while it was idle is dropped when taken.
/// </summary>
internal sealed class Http1ConnectionPool : IDisposable
{
    private readonly Dictionary<string, List<Idle>> _idle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private ITimer? _scavenger;
    private bool _disposed;

    public Http1ConnectionPool(TimeProvider timeProvider) => _timeProvider = timeProvider;

    /// <summary>Gets or sets how long an idle connection is kept; zero keeps none, <see cref="Timeout.InfiniteTimeSpan"/> keeps them.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets how many idle connections are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_idle)
            {
                return _idle.Values.Sum(list => list.Count);
            }
        }
    }

    /// <summary>
    /// Gets the pool's own copy of <paramref name="origin"/>, so that the many responses that may come back to it hold
    /// one string between them.
    /// </summary>
    public string Key(string origin)
    {
        lock (_idle)
        {
            if (_keys.TryGetValue(origin, out var key))
            {
                return key;
            }

            _keys[origin] = origin;
            return origin;
        }
    }

    /// <summary>Takes the newest usable idle connection to <paramref name="origin"/>, or null when there is none.</summary>
    public (Stream Stream, Socket? Socket)? Rent(string origin)
    {
        List<Stream>? dropped = null;
        try
        {
            lock (_idle)
            {
                if (!_idle.TryGetValue(origin, out var list))
                {
                    return null;
                }

                while (list.Count > 0)
                {
                    var idle = list[^1];
                    list.RemoveAt(list.Count - 1);
                    if (!IsExpired(idle) && IsQuiet(idle.Socket))
                    {
                        return (idle.Stream, idle.Socket);
                    }

                    (dropped ??= []).Add(idle.Stream);
                }

                return null;
            }
        }
        finally
        {
            dropped?.ForEach(static stream => stream.Dispose());
        }
    }

    /// <summary>Keeps <paramref name="connection"/> for the next request to <paramref name="origin"/>, or closes it.</summary>
    public void Return(string origin, Stream connection, Socket? socket)
    {
        lock (_idle)
        {
            if (!_disposed && (IdleTimeout > TimeSpan.Zero || IdleTimeout == Timeout.InfiniteTimeSpan))
            {
                if (!_idle.TryGetValue(origin, out var list))
                {
                    _idle[origin] = list = [];
                }

                list.Add(new Idle(connection, socket, _timeProvider.GetTimestamp()));
                var period = IdleTimeout > TimeSpan.Zero && IdleTimeout < TimeSpan.FromSeconds(30) ? IdleTimeout : TimeSpan.FromSeconds(30);
                _scavenger ??= _timeProvider.CreateTimer(static pool => ((Http1ConnectionPool)pool!).Scavenge(), this, period, period);
                return;
            }
        }

        connection.Dispose();
    }

    /// <summary>Closes every connection whose idle time is over; stops the timer once none is left.</summary>
    public void Scavenge()
    {
        List<Stream> expired = [];
        lock (_idle)
        {
            foreach (var list in _idle.Values)
            {
                // Oldest first: the expired ones are a prefix.
                var count = 0;
                while (count < list.Count && IsExpired(list[count]))
                {
                    expired.Add(list[count++].Stream);
                }

                list.RemoveRange(0, count);
            }

            if (_idle.Values.All(list => list.Count == 0))
            {
                _scavenger?.Dispose();
                _scavenger = null;
            }
        }

        expired.ForEach(static stream => stream.Dispose());
    }

    public void Dispose()
    {
        List<Stream> all;
        lock (_idle)
        {
            _disposed = true;
            all = _idle.Values.SelectMany(list => list.Select(idle => idle.Stream)).ToList();
            _idle.Clear();
            _scavenger?.Dispose();
            _scavenger = null;
        }

        all.ForEach(static stream => stream.Dispose());
    }

    private bool IsExpired(Idle idle) => IdleTimeout != Timeout.InfiniteTimeSpan && _timeProvider.GetElapsedTime(idle.Since) >= IdleTimeout;

    /// <summary>A socket that is readable while idle was closed by the server or holds bytes no request asked for.</summary>
    private static bool IsQuiet(Socket? socket)
    {
        try
        {
            return socket is null || !socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private readonly record struct Idle(Stream Stream, Socket? Socket, long Since);
}
