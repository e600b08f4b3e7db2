using System.Text.Json;
using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Doctor;

/// <summary>One run of <c>watcher doctor … --format json</c> as a process: its exit code and its findings by code.</summary>
internal sealed record DoctorRun(int ExitCode, IReadOnlyDictionary<string, string> Severities, string Stdout, string Stderr)
{
    private static readonly string[] FindingProperties = ["code", "severity", "summary", "evidence", "advice"];

    public IReadOnlyCollection<string> Codes => [.. Severities.Keys];

    /// <summary>The codes of the findings that need action (warning or error).</summary>
    public IReadOnlyCollection<string> Problems => [.. Severities.Where(s => s.Value != "info").Select(s => s.Key).Order()];

    public static async Task<DoctorRun> RunAsync(Uri url, string duration, params string[] more)
    {
        var (exitCode, stdout, stderr) = await WatcherProcess.RunAsync(["doctor", url.ToString(), "--duration", duration, "--format", "json", .. more]);
        Assert.True(stdout.Length > 0, $"doctor wrote nothing (exit {exitCode}): {stderr}");
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(["url", "durationMs", "exitCode", "findings"], report.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.All(report.RootElement.GetProperty("findings").EnumerateArray(), f => Assert.Equal(FindingProperties, f.EnumerateObject().Select(p => p.Name)));
        var severities = report.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("code").GetString()!, f => f.GetProperty("severity").GetString()!);
        Assert.Equal(exitCode, report.RootElement.GetProperty("exitCode").GetInt32());
        return new DoctorRun(exitCode, severities, stdout, stderr);
    }

    public override string ToString() => $"exit {ExitCode}: {Stdout} {Stderr}";
}
