using System.Buffers;
using System.Collections.Concurrent;

namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// An <see cref="ArrayPool{T}"/> that hands out new arrays and records every return, noting whether
/// <see cref="Unsafe"/> said a return was unsafe at that moment (for instance: a read into the buffers was still pending).
/// </summary>
internal sealed class RecordingArrayPool : ArrayPool<byte>
{
    private int _rented;

    /// <summary>Gets or sets what tells, at each return, whether returning is unsafe now.</summary>
    public Func<bool> Unsafe { get; set; } = () => false;

    /// <summary>Gets the arrays returned, in order.</summary>
    public ConcurrentQueue<byte[]> Returned { get; } = new();

    /// <summary>Gets how many arrays were returned while <see cref="Unsafe"/> said true.</summary>
    public int ReturnedUnsafely { get; private set; }

    /// <summary>Gets how many arrays were rented.</summary>
    public int Rented => _rented;

    public override byte[] Rent(int minimumLength)
    {
        Interlocked.Increment(ref _rented);
        return new byte[minimumLength];
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        if (Unsafe())
        {
            ReturnedUnsafely++;
        }

        Returned.Enqueue(array);
    }
}
