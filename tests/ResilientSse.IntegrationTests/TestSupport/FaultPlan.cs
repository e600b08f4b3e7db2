using System.Globalization;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// What the <see cref="FaultProxy"/> does with one request: answer it itself with a refusal, or forward it and,
/// on the way back, delay the first bytes, trickle them, and end the response early (cut, reset or stall).
/// </summary>
internal sealed record FaultPlan
{
    /// <summary>Forward the request and its response untouched.</summary>
    public static FaultPlan PassThrough { get; } = new();

    /// <summary>The seed the plan was drawn from; it also drives the trickle's piece sizes and pauses.</summary>
    public int Seed { get; init; }

    /// <summary>When set, the proxy answers by itself and never contacts the server.</summary>
    public ProxyRefusal? Refusal { get; init; }

    /// <summary>How long the response's first byte is held back.</summary>
    public TimeSpan FirstByteDelay { get; init; }

    /// <summary>When set, the response is forwarded a few bytes at a time.</summary>
    public ProxyThrottle? Throttle { get; init; }

    /// <summary>How the response ends early, at <see cref="At"/>.</summary>
    public ProxyEnding Ending { get; init; }

    /// <summary>Where in the response the <see cref="Ending"/> strikes.</summary>
    public CutPoint? At { get; init; }

    public override string ToString()
    {
        if (Refusal is { } refusal)
        {
            return refusal.ToString();
        }

        var parts = new List<string>();
        if (FirstByteDelay > TimeSpan.Zero)
        {
            parts.Add($"delay {FirstByteDelay.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)}ms");
        }

        if (Throttle is { } throttle)
        {
            parts.Add(throttle.ToString());
        }

        if (Ending != ProxyEnding.None)
        {
            parts.Add($"{Ending.ToString().ToLowerInvariant()} {At}");
        }

        return parts.Count == 0 ? "pass" : string.Join(" + ", parts);
    }
}

/// <summary>How a forwarded response ends early.</summary>
internal enum ProxyEnding
{
    /// <summary>It does not: the server's response is forwarded to its end.</summary>
    None,

    /// <summary>A clean close (FIN) towards the client.</summary>
    Cut,

    /// <summary>A reset (RST) towards the client.</summary>
    Reset,

    /// <summary>Forwarding stops with both sockets left open until the client gives up.</summary>
    Stall,
}
