using System.Diagnostics;
using System.Text;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>The built console watcher run as a real process (<c>dotnet ResilientSse.Watcher.dll …</c>), every wait bounded.</summary>
internal sealed class WatcherProcess : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _lines = new(0);
    private readonly Stopwatch _sinceStart = new();

    private WatcherProcess(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ResilientSse.Watcher.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data, signal: true);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data, signal: false);
        _sinceStart.Start();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>The time since the process was started.</summary>
    public TimeSpan Elapsed => _sinceStart.Elapsed;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static WatcherProcess Start(params string[] args) => new(args);

    /// <summary>Runs the watcher to its exit; returns the exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var exitCode = await process.WaitForExitAsync();
        return (exitCode, process.Stdout, process.Stderr);
    }

    /// <summary>Runs the watcher to its exit; returns the exit code, the exact bytes it wrote on stdout, and stderr.</summary>
    public static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunForBytesAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ResilientSse.Watcher.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Bound);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        using var stdout = new MemoryStream();
        try
        {
            await process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The watcher did not exit within {Bound}.");
        }

        return (process.ExitCode, stdout.ToArray(), await stderr);
    }

    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The watcher did not exit within {Bound}. stdout: {Stdout} stderr: {Stderr}");
        }

        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Waits for the first line on stdout.</summary>
    public Task WaitForOutputAsync() => WaitForOutputAsync(Bound);

    /// <summary>Waits, at most <paramref name="bound"/>, for the next line on stdout.</summary>
    public async Task WaitForOutputAsync(TimeSpan bound)
    {
        if (!await _lines.WaitAsync(bound))
        {
            throw new TimeoutException($"The watcher wrote nothing on stdout within {bound}. stderr: {Stderr}");
        }
    }

    /// <summary>
    /// Polls stderr until it contains <paramref name="text"/>, at most <paramref name="bound"/> after the process started;
    /// returns the time since the start at which it was seen, or null when it was not seen in time.
    /// </summary>
    public async Task<TimeSpan?> WaitForStderrAsync(string text, TimeSpan bound)
    {
        while (_sinceStart.Elapsed < bound)
        {
            if (Stderr.Contains(text, StringComparison.Ordinal))
            {
                return _sinceStart.Elapsed;
            }

            await Task.Delay(20);
        }

        return Stderr.Contains(text, StringComparison.Ordinal) ? _sinceStart.Elapsed : null;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _lines.Dispose();
    }

    private void Append(StringBuilder target, string? line, bool signal)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.Append(line).Append('\n');
        }

        if (signal)
        {
            _lines.Release();
        }
    }
}
