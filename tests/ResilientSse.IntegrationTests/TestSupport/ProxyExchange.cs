using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// The proxy's log of one connection (one request, one response). Times are <see cref="Stopwatch"/> timestamps;
/// every "sent" time is taken before the bytes go out and every "received" time after they came in, so that the
/// gaps computed from them are never shorter than the real ones.
/// </summary>
internal sealed class ProxyExchange(ProxyRequest request, FaultPlan plan, long acceptedAt, long requestReadAt)
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProxyRequest Request { get; } = request;

    public FaultPlan Plan { get; } = plan;

    /// <summary>When the connection was accepted: the earliest moment the proxy can know of the request.</summary>
    public long AcceptedAt { get; } = acceptedAt;

    public long RequestReadAt { get; } = requestReadAt;

    /// <summary>The status the client got (the server's, or the refusal's).</summary>
    public int? Status { get; set; }

    /// <summary>For a refusal: when it was sent (taken before writing it).</summary>
    public long? RefusedAt { get; set; }

    /// <summary>For a refusal: the <c>Retry-After</c> header as sent.</summary>
    public string? RetryAfterHeader { get; set; }

    /// <summary>For a refusal: the earliest moment the client may come back, by the <c>Retry-After</c> it was sent.</summary>
    public long? OwedUntil { get; set; }

    /// <summary>When the last bytes of the response head were sent to the client (taken before sending them).</summary>
    public long? EstablishedAt { get; set; }

    /// <summary>When the last bytes forwarded were sent to the client (taken before sending them).</summary>
    public long? LastByteAt { get; set; }

    public long BytesForwarded { get; set; }

    /// <summary>Events (blocks with an <c>id:</c>, ended by a blank line) forwarded whole.</summary>
    public int CompleteEvents { get; set; }

    /// <summary>The last <c>retry:</c> value forwarded whole (line end included), if any.</summary>
    public int? RetrySeen { get; set; }

    public string? LastIdForwarded { get; set; }

    /// <summary>When the response ended: the proxy's action for its own endings, the first sight of the client's close otherwise.</summary>
    public long? EndedAt { get; set; }

    public ExchangeEnd End { get; set; }

    public FaultHits Hits { get; set; }

    public string? Error { get; set; }

    public Task Completion => _completion.Task;

    public bool IsRefusal => RefusedAt is not null;

    /// <summary>Whether the proxy ended the response early: a cut, a reset, or a stall.</summary>
    public bool EndedByFault => End is ExchangeEnd.Cut or ExchangeEnd.Reset or ExchangeEnd.StallAbandoned or ExchangeEnd.StallNeverAbandoned or ExchangeEnd.CutAll;

    internal void Complete() => _completion.TrySetResult();

    /// <summary>One line for a failure message; times in ms after <paramref name="origin"/>.</summary>
    public string Describe(long origin)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"+{Ms(origin, AcceptedAt),6} #{Request.Connection,-5} {Request.Endpoint.ToString().ToLowerInvariant(),-8}");
        text.Append(CultureInfo.InvariantCulture, $" LEI={Request.LastEventId ?? "-",-3} plan[{Plan}] -> {Status?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        if (IsRefusal)
        {
            text.Append(CultureInfo.InvariantCulture, $" refused +{Ms(origin, RefusedAt!.Value)} Retry-After: {RetryAfterHeader} owed until +{Ms(origin, OwedUntil!.Value)}");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $" est {(EstablishedAt is { } established ? "+" + Ms(origin, established) : "-")} {BytesForwarded}B {CompleteEvents}ev");
            text.Append(CultureInfo.InvariantCulture, $" retry {RetrySeen?.ToString(CultureInfo.InvariantCulture) ?? "-"} last-id {LastIdForwarded ?? "-"}");
        }

        text.Append(CultureInfo.InvariantCulture, $" ended {(EndedAt is { } ended ? "+" + Ms(origin, ended) : "-")} {End}");
        if (Hits != FaultHits.None)
        {
            text.Append(CultureInfo.InvariantCulture, $" hits {Hits}");
        }

        if (Error is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" error {Error}");
        }

        return text.ToString();
    }

    /// <summary>Milliseconds from <paramref name="from"/> to <paramref name="to"/>, to the whole ms.</summary>
    public static string Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
}
