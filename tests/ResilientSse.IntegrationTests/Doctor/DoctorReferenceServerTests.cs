using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary><c>doctor</c> as a process against the reference server: directly, and through nginx at default and broken settings.</summary>
public sealed class DoctorReferenceServerTests
{
    [Fact]
    public async Task Direct_RunningExecution_NothingNeedsFixing()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(300));
        var id = await server.StartExecutionAsync("very-long", new { stages = 50, delayMs = 700 });

        var run = await DoctorRun.RunAsync(new Uri(server.BaseAddress, $"workflow/executions/{id}/stream"), "3s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Problems);
        Assert.Superset(new HashSet<string> { "response", "retry", "heartbeat", "not-buffered", "resume", "event-size" }, new HashSet<string>(run.Codes));
    }

    [Fact]
    public async Task Direct_FinishedExecution_ReplaysAndEndsWith204()
    {
        await using var server = await ReferenceServers.StartAsync();
        var id = await server.StartExecutionAsync("quick");
        await server.WaitUntilTerminalAsync(id);

        var run = await DoctorRun.RunAsync(new Uri(server.BaseAddress, $"workflow/executions/{id}/stream"), "2s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Problems);
        Assert.Contains("end-204", run.Codes);
        Assert.Contains("resume", run.Codes);
    }

    [NginxFact]
    public async Task ThroughNginxAtDefaults_NothingNeedsFixing()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(300));
        using var proxy = await NginxProxy.StartAsync(server.BaseAddress);
        var id = await server.StartExecutionAsync("very-long", new { stages = 50, delayMs = 700 });

        var run = await DoctorRun.RunAsync(new Uri(proxy.BaseAddress, $"workflow/executions/{id}/stream"), "3s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Problems);
        Assert.Contains("not-buffered", run.Codes);
        Assert.Contains("resume", run.Codes);
    }

    [NginxFact]
    public async Task ThroughNginxWithBufferingForced_ReportsBufferedAndNothingElse()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        using var proxy = await NginxProxy.StartAsync(server.BaseAddress, forceBuffering: true);
        var id = await server.StartExecutionAsync("very-long", new { stages = 50, delayMs = 300 });

        var run = await DoctorRun.RunAsync(new Uri(proxy.BaseAddress, $"workflow/executions/{id}/stream"), "3s");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["buffered"], run.Problems);
        Assert.Equal("error", run.Severities["buffered"]);
    }

    [NginxFact]
    public async Task ThroughNginxWithAShortReadTimeout_ReportsTheIdleCut()
    {
        await using var server = await ReferenceServers.StartAsync(o => o.HeartbeatInterval = TimeSpan.FromSeconds(15));
        using var proxy = await NginxProxy.StartAsync(server.BaseAddress, readTimeout: TimeSpan.FromSeconds(1));
        var id = await server.StartExecutionAsync("very-long", new { stages = 5, delayMs = 20_000 });

        // Long enough for cuts to happen well inside the window on a busy machine: a cut in its last moments is not judged.
        var run = await DoctorRun.RunAsync(new Uri(proxy.BaseAddress, $"workflow/executions/{id}/stream"), "6s");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["idle-cut", "no-heartbeat"], run.Problems);
        Assert.Contains("resume", run.Codes);
    }
}
