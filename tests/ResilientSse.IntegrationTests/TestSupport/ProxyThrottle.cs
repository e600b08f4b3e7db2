namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Forwarding a trickle: pieces of <c>MinBytes..MaxBytes</c> with a pause of <c>MinPauseMs..MaxPauseMs</c> after each.</summary>
internal sealed record ProxyThrottle(int MinBytes, int MaxBytes, int MinPauseMs, int MaxPauseMs)
{
    public override string ToString() => $"trickle {MinBytes}-{MaxBytes}B/{MinPauseMs}-{MaxPauseMs}ms";
}
