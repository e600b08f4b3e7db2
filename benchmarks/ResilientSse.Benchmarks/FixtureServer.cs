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
        var (process, line) = await SelfProcess.StartAsync(["serve-fixture", events.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30));
        return line is null
            ? throw new InvalidOperationException("The fixture server exited.")
            : (process, new Uri(line[(line.LastIndexOf(' ') + 1)..]));
    }
}
