namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>How an exchange through the proxy ended.</summary>
internal enum ExchangeEnd
{
    /// <summary>Not ended yet.</summary>
    Open,

    /// <summary>The proxy answered with a refusal.</summary>
    Refused,

    /// <summary>The server's response was forwarded to its end.</summary>
    Complete,

    /// <summary>The server closed before its response was complete.</summary>
    ServerClosed,

    /// <summary>The client closed its side first (gave up, was cancelled, or was done).</summary>
    ClientLeft,

    /// <summary>The plan's clean close (FIN).</summary>
    Cut,

    /// <summary>The plan's reset (RST).</summary>
    Reset,

    /// <summary>The plan's stall, which the client ended by closing its side.</summary>
    StallAbandoned,

    /// <summary>The plan's stall, which the client never ended (the proxy gave up after its bound).</summary>
    StallNeverAbandoned,

    /// <summary>Ended by <see cref="FaultProxy.CutAllStreams"/>.</summary>
    CutAll,

    /// <summary>The proxy could not do its job (for example, the server refused the connection).</summary>
    ProxyError,
}

/// <summary>The faults that actually struck an exchange (a planned fault the response never reached is not here).</summary>
[Flags]
internal enum FaultHits
{
    None = 0,
    Refusal = 1,
    Delay = 2,
    Throttle = 4,
    Cut = 8,
    Reset = 16,
    Stall = 32,
    CutAll = 64,
}
