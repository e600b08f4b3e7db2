using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ResilientSse.Testing;

/// <summary>
/// A real redis-server of the test's (or the benchmark harness's) own, on a free loopback port with a temporary
/// directory (nothing saved unless asked), stopped and deleted on dispose. .ci/run installs redis-server; elsewhere the
/// tests that need it are skipped.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly DirectoryInfo _directory;
    private Process _process;

    private RedisServer(DirectoryInfo directory, int port, bool persistent, Process process)
    {
        _directory = directory;
        Port = port;
        Persistent = persistent;
        _process = process;
    }

    /// <summary>Gets the port it listens on, at 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Gets whether it writes an append-only file (and so keeps its data across <see cref="RestartAsync"/>).</summary>
    public bool Persistent { get; }

    /// <summary>Gets the address as the reference server's <c>--redis</c> takes it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Gets why the tests that need Redis are skipped here, or null when they run (installed, or CI=true).</summary>
    public static string? SkipReason =>
        FindExecutable() is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? "redis-server is not installed (apt-get install redis-server; .ci/run does it)."
            : null;

    public static string? FindExecutable() =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server" }.FirstOrDefault(File.Exists);

    /// <summary>Starts a redis-server; with <paramref name="persistent"/>, every write goes to its append-only file.</summary>
    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        var directory = Directory.CreateTempSubdirectory("resilientsse-redis-");
        var port = FreePort();
        var server = new RedisServer(directory, port, persistent, Launch(directory, port, persistent));
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>Kills the server (as a crash would) and starts it again on the same port and directory.</summary>
    public async Task RestartAsync()
    {
        Kill();
        _process = Launch(_directory, Port, Persistent);
        await WaitUntilReadyAsync();
    }

    public void Dispose()
    {
        Kill();
        _directory.Delete(recursive: true);
    }

    private static Process Launch(DirectoryInfo directory, int port, bool persistent)
    {
        var executable = FindExecutable()
            ?? throw new InvalidOperationException("redis-server is not installed, and CI=true forbids skipping the tests that need it: .ci/run installs it with apt-get (redis-server).");
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory.FullName,
            "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always", "--daemonize", "no", "--logfile", "",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits, at most 10 s, until it answers PING (after an append-only file is loaded).</summary>
    private async Task WaitUntilReadyAsync()
    {
        var buffer = new byte[64];
        for (var i = 0; i < 200; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited ({_process.ExitCode}).");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                using var read = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                var count = await stream.ReadAsync(buffer, read.Token);
                if (Encoding.ASCII.GetString(buffer, 0, count).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                // Not listening yet, or still loading.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("redis-server did not answer PING within 10 s.");
    }
}
