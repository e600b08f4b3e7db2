using System.Net.ServerSentEvents;
using System.Runtime.InteropServices;
using System.Text;
using ResilientSse.Streaming.Internal;
using ResilientSse.Testing;

namespace ResilientSse.Tests.Streaming;

/// <summary>
/// Re-measures, on the runtime the tests run on, the two ways <see cref="SseParser"/> departs from the WHATWG
/// processing model that keep <see cref="EventStreamParser"/> in the library (docs/ARCHITECTURE.md). When a runtime
/// fixes them, these fail, and the reasons for the own parser must be weighed again.
/// </summary>
public sealed class SseParserDeviationTests
{
    private const string DataLessBlockThenEvent = "event: x\n\ndata: d\n\n";

    [Fact]
    public async Task DataLessBlockThenAnEvent_SseParserKeepsTheEventTypeWhileOursResetsIt()
    {
        var bcl = SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(DataLessBlockThenEvent))).Enumerate().Single();
        using var ours = new EventStreamParser(new MemoryStream(Encoding.UTF8.GetBytes(DataLessBlockThenEvent)), string.Empty, 1 << 16, CancellationToken.None);
        Assert.True(await ours.MoveNextAsync());

        Assert.Equal("message", ours.EventType); // WHATWG: a dispatch resets the event type buffer, data or not
        Assert.True(bcl.EventType == "x", $"SseParser of runtime {RuntimeInformation.FrameworkDescription} no longer keeps the type: see docs/ARCHITECTURE.md.");
    }

    [Fact]
    public async Task EventEndedByCrAtTheEndOfARead_SseParserWaitsForMoreBytesWhileOursDispatches()
    {
        var bclBody = new OneReadThenWait(Encoding.UTF8.GetBytes("data: a\r\r"));
        var bcl = SseParser.Create(bclBody).EnumerateAsync().GetAsyncEnumerator();
        var bclNext = bcl.MoveNextAsync().AsTask();
        await bclBody.SecondReadStarted.WaitAsync(TimeSpan.FromSeconds(10));

        var oursBody = new OneReadThenWait(Encoding.UTF8.GetBytes("data: a\r\r"));
        using var ours = new EventStreamParser(oursBody, string.Empty, 1 << 16, CancellationToken.None);
        var oursNext = ours.MoveNextAsync();

        Assert.True(oursNext.IsCompletedSuccessfully, "the event is complete: CR ends a line");
        Assert.True(await oursNext);
        Assert.Equal("a", ours.Data);
        Assert.False(bclNext.IsCompleted, $"SseParser of runtime {RuntimeInformation.FrameworkDescription} no longer holds a CR-ended event: see docs/ARCHITECTURE.md.");
        oursBody.Release();
        bclBody.Release();
        Assert.True(await bclNext.WaitAsync(TimeSpan.FromSeconds(10))); // at the end of the stream it gives the event
        Assert.Equal("a", bcl.Current.Data);
        await bcl.DisposeAsync();
    }

    /// <summary>A body that gives its bytes in one read and then waits, saying when the second read began.</summary>
    private sealed class OneReadThenWait(byte[] bytes) : ReadOnlyTestStream
    {
        private readonly TaskCompletionSource _secondRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<int> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _served;

        public Task SecondReadStarted => _secondRead.Task;

        public void Release() => _release.TrySetResult(0);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty && !_served)
            {
                return new ValueTask<int>(0); // a zero-byte read: the bytes are there
            }

            if (!_served)
            {
                _served = true;
                bytes.CopyTo(buffer);
                return new ValueTask<int>(bytes.Length);
            }

            _secondRead.TrySetResult();
            return new ValueTask<int>(_release.Task);
        }
    }
}
