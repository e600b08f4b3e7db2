using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ResilientSse.Benchmarks;

/// <summary>
/// The CLI benchmark: a loopback server streams N events; a raw <c>SseParser</c> CLI (benchmarks/RawSseCli) and
/// <c>ssewatch tail --format jsonl</c> (or <c>watch</c>) each run as real processes with stdout to a pipe this harness
/// reads, alternately, and the median time to the N-th line is compared — from the stream request (the streaming
/// itself) and from the process start (startup included). With <c>--strace</c>, one more run of each under
/// <c>strace -f -c</c> counts their write syscalls.
/// <c>dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- cli [events] [runs] [tail|watch] [--watcher path/to/ResilientSse.Watcher.dll, or a NativeAOT ssewatch] [--raw path/to/RawSseCli.dll] [--strace]</c>
/// (<c>--raw</c>: the raw CLI built another way, e.g. published ReadyToRun, to compare both under the same treatment).
/// </summary>
internal static class CliHarness
{
    private const string ExecutionId = "wf_exec_01JBENCH";
    private const string TimeCommand = "/usr/bin/time";
    private static readonly TimeSpan RunBound = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var events = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 100_000;
        var runs = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 5;
        var command = positional.Length > 2 ? positional[2] : "tail";
        var root = RepoRoot();
        var rawIndex = Array.IndexOf(args, "--raw");
        var raw = rawIndex > 0 ? Path.GetFullPath(args[rawIndex + 1]) : Path.Combine(root, "benchmarks", "RawSseCli", "bin", "Release", "net10.0", "RawSseCli.dll");
        var watcherIndex = Array.IndexOf(args, "--watcher");
        var watcher = watcherIndex > 0 ? Path.GetFullPath(args[watcherIndex + 1]) : Path.Combine(root, "samples", "Watcher", "bin", "Release", "net10.0", "ResilientSse.Watcher.dll");
        foreach (var dll in new[] { raw, watcher })
        {
            if (!File.Exists(dll))
            {
                Console.Error.WriteLine($"{dll} is missing: build it with -c Release (dotnet build -c Release benchmarks/ResilientSse.Benchmarks builds both).");
                return 2;
            }
        }

        var body = Body(events, terminal: command == "watch");
        await using var server = new LoopbackSseServer(body, ExecutionId);
        string[] rawArgs = [raw, new Uri(server.BaseAddress, "stream").AbsoluteUri];
        string[] cliArgs = command == "watch"
            ? [watcher, "watch", ExecutionId, "--server", server.BaseAddress.AbsoluteUri, "--format", "jsonl"]
            : [watcher, "tail", new Uri(server.BaseAddress, "stream").AbsoluteUri, "--format", "jsonl"];
        if (!watcher.EndsWith(".dll", StringComparison.Ordinal))
        {
            // A native executable (dotnet publish -p:PublishAot=true) runs as it is.
            cliArgs = ["--native", .. cliArgs];
        }

        Console.WriteLine($"cli: {command} --format jsonl against the raw SseParser CLI, {events:N0} events ({body.Length / 1e6:0.0} MB), {runs} runs each after one warm-up, median; {Environment.ProcessorCount} cores, load {LoadAverage()}");
        Console.WriteLine($"ssewatch: {watcher}; raw: {raw}");
        await MeasureAsync(server, rawArgs, events, null);
        await MeasureAsync(server, cliArgs, events, null);
        var rawRuns = new List<Run>();
        var cliRuns = new List<Run>();
        for (var i = 0; i < runs; i++)
        {
            rawRuns.Add(await MeasureAsync(server, rawArgs, events, null));
            cliRuns.Add(await MeasureAsync(server, cliArgs, events, null));
        }

        var rawStream = Median(rawRuns.Select(r => r.FromRequest));
        var cliStream = Median(cliRuns.Select(r => r.FromRequest));
        var rawTotal = Median(rawRuns.Select(r => r.FromStart));
        var cliTotal = Median(cliRuns.Select(r => r.FromStart));
        Console.WriteLine($"raw SseParser CLI: N-th event {rawStream:0} ms after the request, {rawTotal:0} ms after the start   (runs: {string.Join(", ", rawRuns.Select(r => r.FromRequest.ToString("0", CultureInfo.InvariantCulture)))} ms)");
        Console.WriteLine($"ssewatch {command,-5}    : N-th event {cliStream:0} ms after the request, {cliTotal:0} ms after the start   (runs: {string.Join(", ", cliRuns.Select(r => r.FromRequest.ToString("0", CultureInfo.InvariantCulture)))} ms)");
        var rawCpu = Median(rawRuns.Select(r => r.CpuMs));
        var cliCpu = Median(cliRuns.Select(r => r.CpuMs));
        Console.WriteLine($"CPU (user + system, whole run): raw {rawCpu:0} ms, ssewatch {cliCpu:0} ms");
        Console.WriteLine($"ssewatch speed vs raw (raw time / ssewatch time): {rawStream / cliStream:0.00}x from the request, {rawTotal / cliTotal:0.00}x from the start, {rawCpu / cliCpu:0.00}x in CPU; load now {LoadAverage()}");

        var ok = Check(rawRuns, events, "raw") & Check(cliRuns, events, "ssewatch");
        if (command == "tail" && rawRuns[0].Hash != cliRuns[0].Hash)
        {
            Console.WriteLine("output differs: ssewatch tail --format jsonl and the raw CLI wrote different bytes");
            ok = false;
        }

        if (args.Contains("--strace"))
        {
            Console.WriteLine($"write syscalls (strace -f -c): raw {await CountWritesAsync(server, rawArgs, events)}, ssewatch {await CountWritesAsync(server, cliArgs, events)}");
        }

        return ok ? 0 : 1;
    }

    private static async Task<Run> MeasureAsync(LoopbackSseServer server, string[] args, int events, string[]? prefix)
    {
        // Wall time on a shared machine follows its load; the CPU a run took (user + system, from time(1)) much less.
        string? cpuFile = null;
        if (prefix is null && File.Exists(TimeCommand))
        {
            cpuFile = Path.GetTempFileName();
            prefix = [TimeCommand, "-f", "%U %S", "-o", cpuFile];
        }

        try
        {
            var run = await MeasureOnceAsync(server, args, events, prefix);
            return cpuFile is null ? run : run with { CpuMs = Cpu(File.ReadAllText(cpuFile)) };
        }
        finally
        {
            if (cpuFile is not null)
            {
                File.Delete(cpuFile);
            }
        }
    }

    private static double Cpu(string time)
    {
        var fields = time.Trim().Split('\n')[^1].Split(' ');
        return (double.Parse(fields[0], CultureInfo.InvariantCulture) + double.Parse(fields[1], CultureInfo.InvariantCulture)) * 1000;
    }

    private static async Task<Run> MeasureOnceAsync(LoopbackSseServer server, string[] args, int events, string[]? prefix)
    {
        server.Reset();
        string[] command = args[0] == "--native" ? args[1..] : ["dotnet", .. args];
        string[] line = [.. prefix ?? [], .. command];
        var start = new ProcessStartInfo(line[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in line[1..])
        {
            start.ArgumentList.Add(arg);
        }

        var startedAt = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long lines = 0, nthAt = 0;
        using var bound = new CancellationTokenSource(RunBound);
        try
        {
            int read;
            while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer, bound.Token)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
                if (nthAt == 0 && lines >= events)
                {
                    nthAt = Stopwatch.GetTimestamp();
                }
            }

            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', args)} did not end within {RunBound}; stderr: {await stderr}");
        }

        var requestedAt = server.StreamRequestedAt;
        return new Run(
            nthAt == 0 ? double.NaN : Stopwatch.GetElapsedTime(requestedAt, nthAt).TotalMilliseconds,
            nthAt == 0 ? double.NaN : Stopwatch.GetElapsedTime(startedAt, nthAt).TotalMilliseconds,
            lines, Convert.ToHexString(hash.GetHashAndReset()), process.ExitCode, await stderr);
    }

    private static async Task<string> CountWritesAsync(LoopbackSseServer server, string[] args, int events)
    {
        var summary = Path.GetTempFileName();
        try
        {
            await MeasureAsync(server, args, events, ["strace", "-f", "-c", "-e", "trace=write,writev,pwrite64", "-o", summary]);
            var calls = File.ReadAllLines(summary)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(c => c.Length >= 5 && c[^1] is "write" or "writev" or "pwrite64")
                .Sum(c => long.Parse(c[3], CultureInfo.InvariantCulture));
            return calls.ToString("N0", CultureInfo.InvariantCulture);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "n/a (strace is not installed)";
        }
        finally
        {
            File.Delete(summary);
        }
    }

    private static bool Check(List<Run> runs, int events, string name)
    {
        var ok = true;
        foreach (var run in runs.Where(r => r.ExitCode != 0 || r.Lines < events || double.IsNaN(r.FromRequest)))
        {
            Console.WriteLine($"{name}: exit code {run.ExitCode}, {run.Lines} lines; stderr: {run.Stderr}");
            ok = false;
        }

        if (runs.Select(r => r.Hash).Distinct().Count() > 1)
        {
            Console.WriteLine($"{name}: the runs wrote different bytes");
            ok = false;
        }

        return ok;
    }

    /// <summary>The benchmark's event stream; for <c>watch</c>, a terminal event after the N events ends the watch.</summary>
    private static byte[] Body(int events, bool terminal)
    {
        var body = EventStreamFixture.Create(events);
        if (!terminal)
        {
            return body;
        }

        var last = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"id: {events + 1}\nevent: workflow.completed\ndata: {{\"executionId\":\"{ExecutionId}\",\"status\":\"completed\",\"executionTime\":1,\"output\":{{}},\"timestamp\":\"2026-11-24T12:00:00Z\"}}\n\n"));
        return [.. body, .. last];
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ResilientSse.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ResilientSse.sln above {AppContext.BaseDirectory}.");
    }

    private sealed record Run(double FromRequest, double FromStart, long Lines, string Hash, int ExitCode, string Stderr)
    {
        /// <summary>The CPU the run took, user and system, in milliseconds; NaN without time(1).</summary>
        public double CpuMs { get; init; } = double.NaN;
    }
}
