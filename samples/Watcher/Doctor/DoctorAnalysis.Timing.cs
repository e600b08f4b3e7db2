namespace ResilientSse.Watcher.Doctor;

/// <summary>The stream over time: <c>retry:</c>, heartbeats, buffering, idle cuts, event sizes.</summary>
internal static partial class DoctorAnalysis
{
    private static IEnumerable<ConnectionRecord> Streams(DoctorObservation observation) =>
        observation.Connections.Where(c => c.Status == 200 && c.End is ConnectionEnd.Closed or ConnectionEnd.TimeUp or ConnectionEnd.Enough);

    /// <summary>The connections that ran as a client's would: not the resumption checks that hang up at once.</summary>
    private static IEnumerable<ConnectionRecord> Watches(DoctorObservation observation) => Streams(observation).Where(c => !c.IsResumeCheck);

    private static void AddRetry(List<Finding> findings, DoctorObservation observation)
    {
        if (Streams(observation).FirstOrDefault(c => c.RetryMilliseconds is not null) is { RetryMilliseconds: { } retry })
        {
            findings.Add(new Finding(FindingCodes.Retry, FindingSeverity.Info, "The server says when to reconnect",
                $"retry: {retry} ({DoctorText.Duration(TimeSpan.FromMilliseconds(retry))}).", string.Empty));
            return;
        }

        findings.Add(new Finding(FindingCodes.NoRetry, FindingSeverity.Warning, "The server sends no retry: field",
            $"No retry: line in {Streams(observation).Count()} response(s).",
            "Write retry: <milliseconds> at the start of every response, so that every client reconnects after a cut at the pace the server can take, instead of each at its own default."));
    }

    /// <summary>Reports the heartbeats and returns their typical interval, when measured.</summary>
    private static TimeSpan? AddHeartbeats(List<Finding> findings, DoctorObservation observation)
    {
        var gaps = new List<TimeSpan>();
        var longestSilence = TimeSpan.Zero;
        var comments = 0;
        foreach (var connection in Watches(observation))
        {
            var arrivals = Arrivals(connection);
            comments += connection.Comments.Count;
            for (var i = 1; i < arrivals.Count; i++)
            {
                var gap = arrivals[i].At - arrivals[i - 1].At;
                longestSilence = gap > longestSilence ? gap : longestSilence;
                if (arrivals[i].IsComment && gap >= TogetherWithin)
                {
                    gaps.Add(gap);
                }
            }
        }

        if (comments == 0)
        {
            if (longestSilence >= IdleCutSilence)
            {
                var nothing = Watches(observation).All(c => c.LastByteAt is null)
                    ? " Not a byte of the body arrived: the server wrote nothing, or something on the path holds it all back (buffering)."
                    : string.Empty;
                findings.Add(new Finding(FindingCodes.NoHeartbeat, FindingSeverity.Warning, "No heartbeats",
                    $"No comment line in {DoctorText.Duration(observation.Duration)}, though the stream was silent for up to {DoctorText.Duration(longestSilence)}.{nothing}",
                    "Write a comment line (\": keep-alive\") whenever nothing else was written for a while (15 s is common), shorter than the idle timeout of every proxy and load balancer on the way, so that an idle stream is neither cut nor mistaken for a dead one. (If the server does send them less often than this observation lasted, run doctor with a longer --duration.)"));
            }

            return null;
        }

        if (gaps.Count == 0)
        {
            findings.Add(new Finding(FindingCodes.Heartbeat, FindingSeverity.Info, "Heartbeats come",
                $"{comments} comment line(s), too close together to measure their interval.", string.Empty));
            return null;
        }

        gaps.Sort();
        var interval = gaps[gaps.Count / 2];
        findings.Add(new Finding(FindingCodes.Heartbeat, FindingSeverity.Info, "Heartbeats come",
            $"{comments} comment line(s), one after every ~{DoctorText.Duration(interval)} of silence.", string.Empty));
        return interval;
    }

    private static void AddBuffering(List<Finding> findings, DoctorObservation observation, ConnectionRecord first)
    {
        var watches = Watches(observation).ToList();
        // What arrived while the doctor itself was paused was read late by the doctor, not held by the path.
        var paused = observation.Pauses;
        var timed = watches.SelectMany(c => AfterReplay(c).Where(e => e.Timestamp is not null && !paused.Any(p => p.Covers(e.ArrivedAt))).Select(e => (Connection: c, Event: e))).ToList();
        var evidence = new List<string>();
        var live = 0;
        if (timed.Count > 0)
        {
            // The promptest event fixes the clocks' offset plus the path's latency; held events arrive later than that.
            var offset = timed.Min(t => t.Event.ArrivedWall - t.Event.Timestamp!.Value);
            var liveEvents = timed.Where(t => t.Event.Timestamp!.Value + offset >= t.Connection.StartedWall).Select(t => t.Event).ToList();
            live = liveEvents.Count;
            var held = liveEvents.Select(e => e.ArrivedWall - e.Timestamp!.Value - offset).Where(h => h >= HeldBack).ToList();
            if (held.Count >= 2)
            {
                var bursts = liveEvents.Zip(liveEvents.Skip(1)).Count(p => p.Second.ArrivedAt - p.First.ArrivedAt < TogetherWithin && p.Second.Timestamp - p.First.Timestamp >= HeldBack);
                evidence.Add($"{held.Count} of {live} live events arrived {DoctorText.Duration(held.Min())}–{DoctorText.Duration(held.Max())} later than their timestamps say they were written"
                    + (bursts > 0 ? $", several at once ({bursts} event(s) written ≥ {DoctorText.Duration(HeldBack)} apart arrived within {DoctorText.Duration(TogetherWithin)} of the one before)" : string.Empty));
            }
        }

        var heartbeatsTogether = watches.Sum(c => c.Comments.Zip(c.Comments.Skip(1))
            .Count(p => p.Second - p.First < TogetherWithin && !paused.Any(pause => pause.Covers(p.Second))));
        if (heartbeatsTogether >= 2)
        {
            evidence.Add($"{heartbeatsTogether} heartbeat comment(s) arrived within {DoctorText.Duration(TogetherWithin)} of the one before, though a server writes them an interval apart");
        }

        if (evidence.Count > 0)
        {
            findings.Add(new Finding(FindingCodes.Buffered, FindingSeverity.Error, "Events are held back on the path and released in bursts",
                string.Join("; ", evidence) + ".",
                "Something between server and client buffers the response. Send X-Accel-Buffering: no "
                + $"(it was {(first.AccelBuffering is null ? "not on the response seen here; nginx removes it, so that may be fine" : first.AccelBuffering)}), "
                + "and where the proxy ignores it turn buffering off for the stream (nginx: proxy_buffering off, and no proxy_ignore_headers X-Accel-Buffering; other proxies: their response-buffering setting); flush after every event in the server."));
            return;
        }

        if (live >= 2)
        {
            findings.Add(new Finding(FindingCodes.NotBuffered, FindingSeverity.Info, "Events arrive as they are written",
                $"{live} live events, none later than {DoctorText.Duration(HeldBack)} beyond the promptest one (measured against the timestamps they carry).", string.Empty));
        }
    }

    private static void AddIdleCuts(List<Finding> findings, DoctorObservation observation, TimeSpan? heartbeat)
    {
        var cuts = Watches(observation).Where(c => c.End == ConnectionEnd.Closed && c.SilenceBeforeEnd >= IdleCutSilence).Select(c => c.SilenceBeforeEnd).Order().ToList();
        if (cuts.Count == 0)
        {
            return;
        }

        var typical = cuts[cuts.Count / 2];
        var beats = heartbeat is { } h ? $"heartbeats come every ~{DoctorText.Duration(h)}" : "no heartbeat was seen";
        findings.Add(new Finding(FindingCodes.IdleCut, FindingSeverity.Warning, "The path cuts idle streams",
            $"The connection was closed after ~{DoctorText.Duration(typical)} of silence ({cuts.Count} time(s)); {beats}.",
            $"Send heartbeats well within the shortest idle timeout on the way (here: every {DoctorText.Duration(HalfRounded(typical))} or less), or raise that timeout (nginx: proxy_read_timeout; load balancers: their idle timeout). Every cut costs a reconnect, and without resumption, events."));
    }

    private static void AddEventSize(List<Finding> findings, DoctorObservation observation)
    {
        var events = Streams(observation).SelectMany(c => c.Events).ToList();
        if (events.Count == 0)
        {
            return;
        }

        var largest = events.Max(e => e.Bytes);
        findings.Add(largest > observation.MaxEventBytes
            ? new Finding(FindingCodes.EventTooLarge, FindingSeverity.Error, "An event is larger than the client accepts",
                $"The largest event was {DoctorText.Bytes(largest)}; the client's limit is {DoctorText.Bytes(observation.MaxEventBytes)}.",
                "Keep events small (send a reference to large data and let the client fetch it), or raise the client's MaxEventSize to match.")
            : new Finding(FindingCodes.EventSize, FindingSeverity.Info, "Events fit the client's limit",
                $"The largest of {events.Count} event(s) was {DoctorText.Bytes(largest)}; the client's limit is {DoctorText.Bytes(observation.MaxEventBytes)}.", string.Empty));
    }

    /// <summary>
    /// The events after the burst a connection opens with: that burst is the log replayed at once (written before the
    /// request, so late by nature), and says nothing about the path.
    /// </summary>
    private static IEnumerable<ObservedEvent> AfterReplay(ConnectionRecord connection)
    {
        var events = connection.Events;
        var start = 1;
        while (start < events.Count && events[start].ArrivedAt - events[start - 1].ArrivedAt < TogetherWithin)
        {
            start++;
        }

        return events.Skip(start);
    }

    private static TimeSpan HalfRounded(TimeSpan value) =>
        TimeSpan.FromMilliseconds(Math.Max(100, Math.Floor(value.TotalMilliseconds / 2 / 100) * 100));

    private static List<(TimeSpan At, bool IsComment)> Arrivals(ConnectionRecord connection)
    {
        var arrivals = connection.Events.Select(e => (e.ArrivedAt, false))
            .Concat(connection.Comments.Select(c => (c, true)))
            .OrderBy(a => a.Item1)
            .ToList();
        arrivals.Insert(0, (connection.HeadersAt ?? connection.StartedAt, false));
        arrivals.Add((connection.EndedAt, false));
        return arrivals;
    }
}
