using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>One owner per database across real processes: a second server exits naming the first; after kill -9 a third takes over.</summary>
public sealed partial class DatabaseOwnerProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resilientsse-owner-process-");
    private readonly List<Process> _processes = [];

    [Fact]
    public async Task Server_SecondProcessOnTheSameFile_ExitsNamingTheOwner_AndAfterKill9TheNextOneStarts()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var (first, firstLines) = Start();
        var address = Listening().Match(await LineAsync(firstLines, "listening on", timeout.Token)).Groups[1].Value;
        using (var http = new HttpClient { BaseAddress = new Uri(address) })
        {
            using var created = await http.PostAsJsonAsync("workflow/executions", new { workflowId = "very-long", input = new { stages = 10, delayMs = 60_000 } }, timeout.Token);
            created.EnsureSuccessStatusCode();
        }

        var (second, secondLines) = Start();
        var refusal = await LineAsync(secondLines, "in use", timeout.Token);
        await second.WaitForExitAsync(timeout.Token);

        first.Kill(); // SIGKILL: no clean-up runs, the kernel drops the lock
        await first.WaitForExitAsync(timeout.Token);
        var (_, thirdLines) = Start();
        var takeover = await LineAsync(thirdLines, "Ended", timeout.Token);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"pid {first.Id}", refusal, StringComparison.Ordinal);
        Assert.Contains("Ended 1 execution(s)", takeover, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [GeneratedRegex(@"listening on (http://\S+/)")]
    private static partial Regex Listening();

    private (Process Process, Channel<string> Lines) Start()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ResilientSse.ReferenceServer.dll"));
        foreach (var arg in new[] { "--urls", "http://127.0.0.1:0", "--db", Path.Combine(_directory.FullName, "executions.db") })
        {
            start.ArgumentList.Add(arg);
        }

        var lines = Channel.CreateUnbounded<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Writer.TryWrite(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Writer.TryWrite(e.Data); } };
        process.Start();
        _processes.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, lines);
    }

    private static async Task<string> LineAsync(Channel<string> lines, string containing, CancellationToken cancellationToken)
    {
        var seen = new List<string>();
        try
        {
            await foreach (var line in lines.Reader.ReadAllAsync(cancellationToken))
            {
                seen.Add(line);
                if (line.Contains(containing, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new TimeoutException($"No line with '{containing}'; the process wrote:\n" + string.Join("\n", seen));
    }
}
