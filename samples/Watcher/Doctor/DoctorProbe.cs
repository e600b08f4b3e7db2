namespace ResilientSse.Watcher.Doctor;

/// <summary>
/// The I/O half of <c>doctor</c>: behaves as a resilient client would for the observation's duration (connect, read,
/// reconnect with the last id after a close), then checks resumption once if the observation did not, and records it all.
/// </summary>
internal sealed partial class DoctorProbe(HttpClient http, TimeProvider timeProvider, DoctorSettings settings)
{
    private long _origin;

    /// <summary>Observes the endpoint; never throws for what the endpoint does, only on cancellation.</summary>
    public async Task<DoctorObservation> ObserveAsync(CancellationToken cancellationToken)
    {
        _origin = timeProvider.GetTimestamp();
        using var pauses = new PauseMonitor(timeProvider, _origin);
        var connections = new List<ConnectionRecord>();
        string? lastId = null;
        long? retry = null;
        while (connections.Count == 0 || (connections.Count < DoctorSettings.MaxConnections && Now + DoctorSettings.MinConnectionTime < settings.Duration))
        {
            var connection = await ConnectAsync(lastId, lastId is null ? ResumeVia.None : ResumeVia.Header, settings.Duration - Now, resumeCheck: false, cancellationToken);
            connections.Add(connection);
            if (connection.End != ConnectionEnd.Closed)
            {
                break;
            }

            lastId = connection.Events.LastOrDefault(e => e.Id is not null)?.Id ?? lastId;
            retry = connection.RetryMilliseconds ?? retry;
            var wait = TimeSpan.FromMilliseconds(Math.Min(retry ?? long.MaxValue, DoctorSettings.MaxReconnectWait.TotalMilliseconds));
            if (wait > TimeSpan.Zero && Now + wait < settings.Duration)
            {
                await Task.Delay(wait, timeProvider, cancellationToken);
            }
        }

        if (connections[0].Status == 200 && connections[0].End != ConnectionEnd.NotAStream)
        {
            await CheckResumptionAsync(connections, cancellationToken);
        }

        return new DoctorObservation(settings.Url, settings.Duration, settings.MaxEventBytes, connections) { Pauses = pauses.Pauses };
    }

    private TimeSpan Now => timeProvider.GetElapsedTime(_origin);

    /// <summary>
    /// When no reconnect of the observation was judged by an event, resumes after the last-but-one id seen (so that
    /// the next id is known and comes at once from the log); when the header was not honoured, tries the query form.
    /// </summary>
    private async Task CheckResumptionAsync(List<ConnectionRecord> connections, CancellationToken cancellationToken)
    {
        var ids = new DoctorObservation(settings.Url, settings.Duration, settings.MaxEventBytes, connections).IdsInOrder;
        var judged = connections.Where(c => c.Via == ResumeVia.Header && c.Status == 200).ToList();
        var verdict = judged.Select(c => ResumeJudge.Judge(c.LastEventIdSent!, c.FirstId, ids)).LastOrDefault(v => v != ResumeVerdict.Inconclusive);
        if (ids.Count == 0)
        {
            return;
        }

        var sent = judged.LastOrDefault()?.LastEventIdSent;
        if (verdict == ResumeVerdict.Inconclusive)
        {
            sent = ids.Count >= 2 ? ids[^2] : ids[^1];
            var check = await ConnectAsync(sent, ResumeVia.Header, DoctorSettings.ResumeWait, resumeCheck: true, cancellationToken);
            connections.Add(check);
            verdict = check.Status == 200 ? ResumeJudge.Judge(sent, check.FirstId, ids) : ResumeVerdict.Inconclusive;
        }

        if (verdict is ResumeVerdict.Ignored or ResumeVerdict.Repeats && sent is not null)
        {
            connections.Add(await ConnectAsync(sent, ResumeVia.Query, DoctorSettings.ResumeWait, resumeCheck: true, cancellationToken));
        }
    }
}
