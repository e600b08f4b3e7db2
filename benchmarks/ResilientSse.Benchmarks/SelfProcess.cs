using System.Diagnostics;

namespace ResilientSse.Benchmarks;

/// <summary>This harness started again as a child process in another mode, with its standard input and output piped.</summary>
internal static class SelfProcess
{
    /// <summary>Starts the child with <paramref name="arguments"/> and returns it with the first line it writes (null when it exits first).</summary>
    public static async Task<(Process Process, string? FirstLine)> StartAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        return (process, await process.StandardOutput.ReadLineAsync().WaitAsync(timeout));
    }
}
