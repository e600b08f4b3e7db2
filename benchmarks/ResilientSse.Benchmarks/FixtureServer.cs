using System.Diagnostics;
using System.Globalization;

namespace ResilientSse.Benchmarks;

/// <summary>
/// The benchmark fixture served by a <see cref="LoopbackSseServer"/> in a child process of the harness
/// (<c>serve-fixture [events]</c>), so that the harness's own CPU and allocation figures are the client's alone.
/// </summary>
internal static class FixtureServer
{
    /// <summary>Serves until stdin closes; prints its address first.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var events = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        await using var server = new LoopbackSseServer(EventStreamFixture.Create(events), "wf_exec_01JBENCH");
        Console.WriteLine($"fixture server listening on {server.BaseAddress}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>Starts the server as a child process of this harness and returns it with its address.</summary>
    public static async Task<(Process Process, Uri Address)> StartAsync(int events)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardInput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FixtureServer).Assembly.Location);
        }

        start.ArgumentList.Add("serve-fixture");
        start.ArgumentList.Add(events.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("The fixture server did not start.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The fixture server exited.");
        return (process, new Uri(line[(line.LastIndexOf(' ') + 1)..]));
    }
}
