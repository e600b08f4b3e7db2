using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// A real nginx in front of a server, at its default settings for proxying (buffering on, default timeouts):
/// only the paths it needs to run unprivileged in a temporary directory are set.
/// </summary>
internal sealed class NginxProxy : IDisposable
{
    private const string ForcedBuffering = "proxy_buffering on; proxy_ignore_headers X-Accel-Buffering; proxy_buffer_size 1k; proxy_buffers 4 1k; proxy_busy_buffers_size 1k;";

    private readonly Process _process;
    private readonly DirectoryInfo _directory;

    private NginxProxy(Process process, DirectoryInfo directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static string? FindExecutable() =>
        new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/bin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>Starts nginx in front of <paramref name="upstream"/>.</summary>
    /// <param name="upstream">The server to proxy.</param>
    /// <param name="forceBuffering">
    /// Buffer responses whatever the server asks (<c>proxy_ignore_headers X-Accel-Buffering</c>), in buffers small enough
    /// that a stream's events are held until about 1 KiB has gathered: the misconfigured path <c>doctor</c> must recognise.
    /// </param>
    /// <param name="readTimeout">nginx's <c>proxy_read_timeout</c>: a stream silent this long is cut. Default nginx's (60 s).</param>
    public static async Task<NginxProxy> StartAsync(Uri upstream, bool forceBuffering = false, TimeSpan? readTimeout = null)
    {
        var directives = (forceBuffering ? ForcedBuffering : string.Empty)
            + (readTimeout is { } timeout ? $" proxy_read_timeout {(int)timeout.TotalMilliseconds}ms;" : string.Empty);
        var directory = Directory.CreateTempSubdirectory("resilientsse-nginx-");
        var port = FreePort();
        var root = directory.FullName;
        var config = $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{root}}/body;
                proxy_temp_path {{root}}/proxy;
                fastcgi_temp_path {{root}}/fastcgi;
                uwsgi_temp_path {{root}}/uwsgi;
                scgi_temp_path {{root}}/scgi;
                server {
                    listen 127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}};
                    location / { proxy_pass {{upstream.GetLeftPart(UriPartial.Authority)}}; {{directives}} }
                }
            }
            """;
        var configPath = Path.Combine(root, "nginx.conf");
        await File.WriteAllTextAsync(configPath, config);
        var executable = FindExecutable()
            ?? throw new InvalidOperationException("nginx is not installed, and CI=true forbids skipping the tests that need it: .ci/run installs it with apt-get (nginx-light).");
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", configPath, "-p", root, "-e", Path.Combine(root, "error.log") })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var proxy = new NginxProxy(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        await proxy.WaitUntilListeningAsync(port);
        return proxy;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }

        _process.Dispose();
        _directory.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited ({_process.ExitCode}): {await _process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("nginx did not start listening within 5 s.");
    }
}
