namespace ResilientSse.Watcher.Doctor;

/// <summary>Resumption: ids, replay after Last-Event-ID (and <c>?lastEventId=</c>), and <c>204</c> at the end.</summary>
internal static partial class DoctorAnalysis
{
    private static void AddResumption(List<Finding> findings, DoctorObservation observation)
    {
        var events = Streams(observation).SelectMany(c => c.Events).ToList();
        var ids = observation.IdsInOrder;
        if (events.Count > 0 && ids.Count == 0)
        {
            findings.Add(new Finding(FindingCodes.NoId, FindingSeverity.Warning, "Events carry no id",
                $"{events.Count} event(s), none with an id: field.",
                "Give every event an id: (a sequence number per stream is simplest): a client that reconnects sends the last one back as Last-Event-ID, and without it cannot resume: it starts over or loses what it missed."));
            return;
        }

        AddEnd(findings, observation);
        var resumed = observation.Connections.Where(c => c.Via != ResumeVia.None).ToList();
        var failed = resumed.FirstOrDefault(c => c.Status is not (200 or 204) && c.End != ConnectionEnd.TimeUp);
        if (failed is not null)
        {
            findings.Add(new Finding(FindingCodes.ResumeFailed, FindingSeverity.Warning, "Resuming was refused",
                $"Resuming after id {failed.LastEventIdSent} ({Describe(failed.Via)}) was answered {(failed.Status is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : failed.Error)}.",
                "Answer a Last-Event-ID the server issued with 200 and the events after it (or 204 when there are none and there will be none)."));
        }

        var header = Judged(resumed, ResumeVia.Header, ids);
        var query = Judged(resumed, ResumeVia.Query, ids);
        if (header.Count == 0)
        {
            if (failed is null && ids.Count > 0)
            {
                findings.Add(new Finding(FindingCodes.ResumeUntested, FindingSeverity.Info, "Resumption could not be checked",
                    "No resumed connection delivered an event to judge it by.", string.Empty));
            }

            return;
        }

        var wrong = header.FirstOrDefault(j => j.Verdict != ResumeVerdict.Honoured);
        if (wrong.Connection is null)
        {
            var (connection, _) = header[^1];
            findings.Add(new Finding(FindingCodes.Resume, FindingSeverity.Info, "Resumption works",
                $"Resuming with Last-Event-ID: {connection.LastEventIdSent} went on at id {connection.Events[0].Id}, with no repeat and no skip.", string.Empty));
            return;
        }

        var queryWorks = query.Count > 0 && query.All(j => j.Verdict == ResumeVerdict.Honoured);
        var also = query.Count == 0 ? string.Empty
            : queryWorks ? $" The same id as ?lastEventId={query[0].Connection.LastEventIdSent} was honoured: the server reads only the query, or something on the path drops the header."
            : $" As ?lastEventId={query[0].Connection.LastEventIdSent} it went on at id {query[0].Connection.Events[0].Id}, no better.";
        var severity = queryWorks ? FindingSeverity.Warning : FindingSeverity.Error;
        var evidence = $"Resuming with Last-Event-ID: {wrong.Connection.LastEventIdSent} went on at id {wrong.Connection.Events[0].Id}"
            + $" (ids seen in order: {Sample(ids)}).{also}";
        const string Advice = "After Last-Event-ID: n, write every event after n, in order, then go on live: nothing at or before n, nothing skipped. Browsers' EventSource and this library send the header; let every proxy pass it on.";
        findings.Add(wrong.Verdict switch
        {
            ResumeVerdict.Ignored => new Finding(FindingCodes.ResumeIgnored, severity, "Last-Event-ID is ignored: the stream starts over", evidence, Advice),
            ResumeVerdict.Repeats => new Finding(FindingCodes.ResumeRepeats, severity, "Resuming repeats events the client already has", evidence, Advice),
            _ => new Finding(FindingCodes.ResumeSkips, severity, "Resuming skips events", evidence, Advice),
        });
    }

    /// <summary>After the server ended a stream (not an idle cut), resuming after its last id should be answered 204.</summary>
    private static void AddEnd(List<Finding> findings, DoctorObservation observation)
    {
        var connections = observation.Connections;
        for (var i = 0; i + 1 < connections.Count; i++)
        {
            var ended = connections[i];
            var next = connections[i + 1];
            if (ended.IsResumeCheck || ended.Status != 200 || ended.End != ConnectionEnd.Closed || ended.SilenceBeforeEnd > EndedByServer
                || next.IsResumeCheck || next.Via != ResumeVia.Header)
            {
                continue;
            }

            if (next.Status == 204)
            {
                findings.Add(new Finding(FindingCodes.End204, FindingSeverity.Info, "The end is final",
                    $"The server ended the stream after id {next.LastEventIdSent}, and resuming after it was answered 204 No Content.", string.Empty));
                return;
            }

            if (next.Status == 200 && next.Events.Count == 0 && next.End == ConnectionEnd.Closed && next.SilenceBeforeEnd <= EndedByServer)
            {
                findings.Add(new Finding(FindingCodes.No204, FindingSeverity.Warning, "The end is not final",
                    $"The server ended the stream after id {next.LastEventIdSent}; resuming after it was answered 200 with a stream that closed after {DoctorText.Duration(next.EndedAt - next.StartedAt)} without an event.",
                    "When the stream is over for good, answer a reconnect with 204 No Content: EventSource and this library stop on it; a 200 makes every client reconnect forever."));
                return;
            }
        }
    }

    private static List<(ConnectionRecord Connection, ResumeVerdict Verdict)> Judged(List<ConnectionRecord> resumed, ResumeVia via, IReadOnlyList<string> ids) =>
        resumed.Where(c => c.Via == via && c.Status == 200)
            .Select(c => (Connection: c, Verdict: ResumeJudge.Judge(c.LastEventIdSent!, c.FirstId, ids)))
            .Where(j => j.Verdict != ResumeVerdict.Inconclusive)
            .ToList();

    private static string Describe(ResumeVia via) => via == ResumeVia.Query ? "?lastEventId=" : "Last-Event-ID";

    private static string Sample(IReadOnlyList<string> ids) =>
        ids.Count <= 6 ? string.Join(", ", ids) : string.Join(", ", ids.Take(3)) + ", …, " + string.Join(", ", ids.TakeLast(2));
}
