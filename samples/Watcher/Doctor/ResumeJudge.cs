using System.Globalization;

namespace ResilientSse.Watcher.Doctor;

/// <summary>Judges a resumed connection by its first event: the probe uses it to decide whether to try <c>?lastEventId=</c>, the analysis to report.</summary>
internal static class ResumeJudge
{
    /// <summary>Judges the first id a connection resumed after <paramref name="sent"/> delivered.</summary>
    /// <param name="sent">The id sent as Last-Event-ID.</param>
    /// <param name="received">The first id the resumed connection delivered, or null when it delivered none.</param>
    /// <param name="idsInOrder">The ids seen so far, in order; the first is where the stream starts without an id.</param>
    public static ResumeVerdict Judge(string sent, string? received, IReadOnlyList<string> idsInOrder)
    {
        if (received is null)
        {
            return ResumeVerdict.Inconclusive;
        }

        var sentIndex = IndexOf(idsInOrder, sent);
        var receivedIndex = IndexOf(idsInOrder, received);
        if (sentIndex >= 0 && receivedIndex >= 0)
        {
            return receivedIndex == sentIndex + 1 ? ResumeVerdict.Honoured
                : receivedIndex == 0 && sentIndex > 0 ? ResumeVerdict.Ignored
                : receivedIndex <= sentIndex ? ResumeVerdict.Repeats
                : ResumeVerdict.Skips;
        }

        if (receivedIndex == 0)
        {
            return ResumeVerdict.Ignored;
        }

        // Ids the stream has not shown yet: sequence numbers still tell order and gaps; opaque ids cannot be judged further.
        if (long.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var sentNumber)
            && long.TryParse(received, NumberStyles.None, CultureInfo.InvariantCulture, out var receivedNumber))
        {
            return receivedNumber <= sentNumber ? ResumeVerdict.Repeats
                : receivedNumber == sentNumber + 1 || !Contiguous(idsInOrder) ? ResumeVerdict.Honoured
                : ResumeVerdict.Skips;
        }

        return ResumeVerdict.Honoured;
    }

    private static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool Contiguous(IReadOnlyList<string> ids)
    {
        long? previous = null;
        foreach (var id in ids)
        {
            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || (previous is { } p && number != p + 1))
            {
                return false;
            }

            previous = number;
        }

        return true;
    }
}
