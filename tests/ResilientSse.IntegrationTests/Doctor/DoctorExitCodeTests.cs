using System.Net;
using System.Net.Sockets;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>CONTRACT §4: <c>doctor</c> exits 2 when the endpoint cannot be examined, and writes a readable report by default.</summary>
public sealed class DoctorExitCodeTests
{
    [Fact]
    public async Task ConnectionRefused_ExitsTwoWithUnreachable()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var run = await DoctorRun.RunAsync(new Uri($"http://127.0.0.1:{port}/stream"), "2s");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["unreachable"], run.Codes);
    }

    [Fact]
    public async Task NotFound_ExitsTwoWithStatus()
    {
        await using var server = await ScriptedSseServer.StartAsync(new ScriptedSseScript());

        var run = await DoctorRun.RunAsync(new Uri(server.StreamUrl, "/nope"), "2s");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["status"], run.Codes);
    }

    [Fact]
    public async Task NotAnEventStream_ExitsTwoWithContentType()
    {
        await using var server = await ScriptedSseServer.StartAsync(new ScriptedSseScript { ContentType = "text/plain" });

        var run = await DoctorRun.RunAsync(server.StreamUrl, "2s");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["content-type"], run.Codes);
    }

    [Theory]
    [InlineData("doctor", "http://127.0.0.1:9/stream", "--duration", "5x")]
    [InlineData("doctor", "http://127.0.0.1:9/stream", "--format", "jsonl")]
    [InlineData("doctor", "http://127.0.0.1:9/stream", "--max-event-size", "lots")]
    [InlineData("doctor", "not-a-url")]
    public async Task BadArguments_ExitTwoWithOneLineOnStderr(params string[] args)
    {
        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task TextFormat_WritesEachFindingWithItsEvidenceAndAdvice()
    {
        await using var server = await ScriptedSseServer.StartAsync(new ScriptedSseScript { SendRetry = false });

        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync("doctor", server.StreamUrl.ToString(), "--duration", "2s");

        Assert.True(exitCode == 1, stdout + stderr);
        Assert.StartsWith($"doctor {server.StreamUrl}", stdout, StringComparison.Ordinal);
        Assert.Contains("warning no-retry", stdout, StringComparison.Ordinal);
        Assert.Contains("advice:   Write retry:", stdout, StringComparison.Ordinal);
        Assert.Contains("1 finding(s) need action.", stdout, StringComparison.Ordinal);
    }
}
