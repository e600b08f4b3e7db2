namespace ResilientSse.Watcher.Doctor;

/// <summary><c>doctor</c>: observes an SSE endpoint for a bounded time and reports what would break resilient SSE through it.</summary>
internal static class DoctorCommand
{
    public static async Task<int> RunAsync(DoctorSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!settings.Json)
        {
            stderr.WriteLine($"doctor: observing {settings.Url} for {DoctorText.Duration(settings.Duration)}…");
        }

        // Redirects are followed as EventSource does; decompression is left to the probe, so that it sees Content-Encoding.
        using var handler = new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(10) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var observation = await new DoctorProbe(http, TimeProvider.System, settings).ObserveAsync(cancellationToken);
        var findings = DoctorAnalysis.Analyze(observation);
        await stdout.WriteAsync(settings.Json ? DoctorReport.Json(observation, findings) : DoctorReport.Text(observation, findings));
        await stdout.FlushAsync(cancellationToken);
        return DoctorAnalysis.ExitCode(findings);
    }
}
