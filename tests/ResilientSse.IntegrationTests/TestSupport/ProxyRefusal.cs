namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>The three refusals the proxy can give instead of forwarding.</summary>
internal enum RefusalForm
{
    /// <summary><c>503</c> with <c>Retry-After: n</c> (delay-seconds).</summary>
    ServiceUnavailableSeconds,

    /// <summary><c>503</c> with <c>Retry-After</c> as an HTTP-date n seconds ahead, rounded up to the next whole second.</summary>
    ServiceUnavailableDate,

    /// <summary><c>429</c> with <c>Retry-After: n</c> (delay-seconds).</summary>
    TooManyRequestsSeconds,
}

/// <summary>A refusal and the delay it asks for.</summary>
internal sealed record ProxyRefusal(RefusalForm Form, int Seconds)
{
    public int Status => Form == RefusalForm.TooManyRequestsSeconds ? 429 : 503;

    public override string ToString() => Form switch
    {
        RefusalForm.ServiceUnavailableDate => $"503 Retry-After: <date {Seconds}-{Seconds + 1}s ahead>",
        _ => $"{Status} Retry-After: {Seconds}",
    };
}
