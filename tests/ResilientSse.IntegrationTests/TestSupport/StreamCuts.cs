namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// Which stream responses a <see cref="RoundRobinBalancer"/> cuts, and where: each with <paramref name="probability"/>,
/// after a number of its bytes drawn evenly from 1..<paramref name="maxBytes"/> — so a cut falls inside the response
/// head, an event, a line or a UTF-8 character as often as between events. Drawn from <paramref name="seed"/>.
/// </summary>
internal sealed class StreamCuts(double probability, int maxBytes, int seed)
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();

    /// <summary>How many bytes of a response to <paramref name="path"/> to forward before the cut; null to forward it all.</summary>
    public int? Draw(string path)
    {
        if (!path.EndsWith("/stream", StringComparison.Ordinal))
        {
            return null;
        }

        lock (_lock)
        {
            return _random.NextDouble() < probability ? _random.Next(1, maxBytes + 1) : null;
        }
    }
}
