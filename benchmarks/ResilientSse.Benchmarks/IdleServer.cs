using System.Diagnostics;
using System.Globalization;
using ResilientSse.ReferenceServer;

namespace ResilientSse.Benchmarks;

/// <summary>
/// The reference server of <see cref="IdleHarness"/>, in a child process of its own (this program in
/// <c>idle-server</c> mode), so that its memory, threads and CPU stay out of the client's figures.
/// </summary>
internal sealed class IdleServer : IDisposable
{
    private const string Incident = "incident";

    private readonly Process _process;

    private IdleServer(Process process) => _process = process;

    /// <summary>Starts the child listening on <paramref name="urls"/> (over h2c when <paramref name="http2"/>) and waits until it is ready.</summary>
    public static Task<IdleServer> StartChildAsync(string[] urls, int watches, bool http2) =>
        StartChildAsync(http2 ? "http://127.0.0.1:0" : string.Join(';', urls), http2 ? string.Join(';', urls) : "-", watches + 10);

    /// <summary>
    /// Starts the child with HTTP/1.1 addresses <paramref name="urls"/> and h2c addresses <paramref name="http2Urls"/>
    /// (<c>-</c> for none); with <paramref name="incident"/>, every stream is cut right before its terminal event once.
    /// </summary>
    public static async Task<IdleServer> StartChildAsync(string urls, string http2Urls, int maxLive, bool incident = false)
    {
        var (process, line) = await SelfProcess.StartAsync(
            [IdleHarness.ServerMode, urls, maxLive.ToString(CultureInfo.InvariantCulture), http2Urls, incident ? Incident : "-"], TimeSpan.FromSeconds(60));
        if (line != "ready")
        {
            process.Kill();
            throw new InvalidOperationException($"The reference server did not start: {line}");
        }

        return new IdleServer(process);
    }

    /// <summary>Runs the server (<c>idle-server http1Urls maxLive http2Urls|- [incident]</c>) until its standard input closes.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var incident = args.Length > 4 && args[4] == Incident;
        var options = new ReferenceServerOptions
        {
            // The load harness's incident: its retry: and its cut, so that a child server measures the same path.
            RetryMilliseconds = incident ? 50 : new ReferenceServerOptions().RetryMilliseconds,
            Faults = incident ? new ReferenceFaultOptions { DropBeforeTerminal = true } : new ReferenceFaultOptions(),
            Urls = args[1],
            Store = ReferenceStoreKind.Memory,
            MaxLiveExecutions = int.Parse(args[2], CultureInfo.InvariantCulture),
            MaxDelayMs = 600_000,
            Http2Urls = args[3] == "-" ? null : args[3],
            RequestLog = false,
        };

        await using var server = await ReferenceServerHost.StartAsync(options);
        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
