using System.Diagnostics;
using ResilientSse.ReferenceServer;

namespace ResilientSse.Benchmarks;

/// <summary>The reference server for a harness: in-process, or its own process (the apphost beside the harness), on a free loopback port.</summary>
internal sealed class FanOutServer : IAsyncDisposable
{
    private readonly ReferenceServerHost? _host;
    private readonly Process? _process;

    private FanOutServer(Uri baseAddress, ReferenceServerHost? host, Process? process)
    {
        BaseAddress = baseAddress;
        _host = host;
        _process = process;
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets the CPU time the server's own process has used; null when it runs in-process.</summary>
    public TimeSpan? ProcessorTime
    {
        get
        {
            if (_process is null)
            {
                return null;
            }

            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>A server someone else started and stops.</summary>
    public static FanOutServer External(Uri baseAddress) => new(baseAddress, null, null);

    /// <summary>Starts a server on the memory store, or on the store that <paramref name="store"/>'s switches name (own process only).</summary>
    public static async Task<FanOutServer> StartAsync(bool inProcess, string[]? store = null)
    {
        if (inProcess)
        {
            var host = await ReferenceServerHost.StartAsync(new ReferenceServerOptions { Urls = "http://127.0.0.1:0", Store = ReferenceStoreKind.Memory, RequestLog = false });
            return new FanOutServer(host.BaseAddress, host, null);
        }

        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "ResilientSse.ReferenceServer"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--urls", "http://127.0.0.1:0", "--no-request-log" }.Concat(store ?? ["--store", "memory"]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The reference server did not start.");
        Console.Error.WriteLine($"server: pid {process.Id}");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"server: {e.Data}"); } };
        process.BeginErrorReadLine();
        const string Prefix = "Reference server listening on ";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                var address = line[Prefix.Length..].Split(' ')[0];

                // The rest of its output is not needed, but must be read so the server never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return new FanOutServer(new Uri(address), null, process);
            }
        }

        process.Kill();
        throw new InvalidOperationException("The reference server exited before it said where it listens.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_process is not null)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
