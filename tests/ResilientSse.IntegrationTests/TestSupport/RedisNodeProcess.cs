using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using ResilientSse.Testing;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// A reference server on one Redis as a process of its own (<c>dotnet ResilientSse.ReferenceServer.dll</c>), as it is
/// deployed: one that can be killed with SIGKILL (its lease neither renewed nor given up) or paused with SIGSTOP.
/// Disposing it kills it if it still runs.
/// </summary>
internal sealed partial class RedisNodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private RedisNodeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the address the node listens on, with a trailing slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts a node sharing the executions of <paramref name="prefix"/>, renewing its leases every third of
    /// <paramref name="leaseTime"/>, with the server's own switches <paramref name="switches"/> (faults, limits) after
    /// the test's defaults (<c>--retry-ms 50 --no-request-log</c>); returns once it listens.
    /// </summary>
    public static async Task<RedisNodeProcess> StartAsync(RedisServer redis, string prefix, TimeSpan leaseTime, CancellationToken cancellationToken, params string[] switches)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ResilientSse.ReferenceServer.dll"));
        string[] defaults =
        [
            "--urls", "http://127.0.0.1:0", "--store", "redis", "--redis", redis.Address, "--redis-prefix", prefix,
            "--lease", $"{((int)leaseTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms", "--retry-ms", "50", "--no-request-log",
        ];
        foreach (var arg in defaults.Concat(switches))
        {
            start.ArgumentList.Add(arg);
        }

        // Everything it says is read (a full pipe would block it); the lines are kept for a start that fails.
        var lines = Channel.CreateUnbounded<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Writer.TryWrite(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Writer.TryWrite(e.Data); } };
        process.Exited += (_, _) => lines.Writer.TryComplete();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var said = new List<string>();
        try
        {
            await foreach (var line in lines.Reader.ReadAllAsync(cancellationToken))
            {
                if (Listening().Match(line) is { Success: true } match)
                {
                    return new RedisNodeProcess(process, new Uri(match.Groups[1].Value));
                }

                said.Add(line);
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        throw new InvalidOperationException($"The reference server exited before it listened: {string.Join(Environment.NewLine, said)}");
    }

    /// <summary>Starts <paramref name="count"/> nodes side by side, numbered 1..n for <paramref name="switchesOf"/>.</summary>
    public static async Task<RedisNodeProcess[]> StartManyAsync(
        int count, RedisServer redis, string prefix, TimeSpan leaseTime, CancellationToken cancellationToken, Func<int, string[]>? switchesOf = null)
    {
        var starting = Enumerable.Range(1, count).Select(n => StartAsync(redis, prefix, leaseTime, cancellationToken, switchesOf?.Invoke(n) ?? [])).ToList();
        try
        {
            return await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(s => s.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Kills the node with SIGKILL, as a crash does, and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill();
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>Stops (SIGSTOP) or continues (SIGCONT) the process: a node that hangs, then comes back.</summary>
    public async Task SignalAsync(string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync(cancellationToken);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} exited {kill.ExitCode}.");
        }
    }

    /// <summary>Starts an execution on this node and returns its id.</summary>
    public Task<string> StartExecutionAsync(string workflowId, object? input = null) => ReferenceServers.StartExecutionAsync(BaseAddress, workflowId, input);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://\S+/)")]
    private static partial Regex Listening();
}
