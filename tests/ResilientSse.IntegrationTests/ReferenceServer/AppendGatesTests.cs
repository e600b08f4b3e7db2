using ResilientSse.ReferenceServer.Engine;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>The engine's per-execution gates: one writer per execution at a time, executions independent, nothing kept after use.</summary>
public sealed class AppendGatesTests
{
    [Fact]
    public async Task EnterAsync_GateHeld_NextEntrantWaitsUntilItIsGivenBack()
    {
        var gates = new AppendGates();
        var first = await gates.EnterAsync("a");

        var second = gates.EnterAsync("a").AsTask();
        await Task.Yield();
        var waitedWhileHeld = !second.IsCompleted;
        first.Dispose();
        using var held = await second.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(waitedWhileHeld);
    }

    [Fact]
    public async Task EnterAsync_OtherExecutionHeld_DoesNotWait()
    {
        var gates = new AppendGates();
        using var a = await gates.EnterAsync("a");

        var b = gates.EnterAsync("b");

        Assert.True(b.IsCompletedSuccessfully);
        (await b).Dispose();
    }

    [Fact]
    public async Task Dispose_LastHolderTwice_DropsTheGateAndReleasesOnce()
    {
        var gates = new AppendGates();
        var first = await gates.EnterAsync("a");
        var second = gates.EnterAsync("a").AsTask();

        first.Dispose();
        first.Dispose();
        var held = await second.WaitAsync(TimeSpan.FromSeconds(10));
        var third = gates.EnterAsync("a").AsTask();
        await Task.Yield();
        var thirdWaited = !third.IsCompleted;
        held.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();

        Assert.True(thirdWaited);
        Assert.Equal(0, gates.Count);
    }
}
