namespace ResilientSse.ReferenceServer;

/// <summary>
/// Faults the reference server injects into stream delivery, for demos and tests. They never touch the event
/// log: a replay always tells the truth.
/// </summary>
public sealed class ReferenceFaultOptions
{
    /// <summary>Gets or sets the probability, after each event written, of aborting the connection. Default 0.</summary>
    public double DropProbability { get; set; }

    /// <summary>
    /// Gets or sets whether the first stream connection of each execution that is about to write the terminal
    /// event is aborted instead (once per execution: the seed incident). Default false.
    /// </summary>
    public bool DropBeforeTerminal { get; set; }

    /// <summary>Gets or sets the fraction of stream requests answered 503 with <c>Retry-After</c>. Default 0.</summary>
    public double UnavailableRate { get; set; }

    /// <summary>Gets or sets the <c>Retry-After</c> seconds sent with injected 503s. Default 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Gets or sets the probability, after each event written, of going silent (no events, no heartbeats) with the socket open. Default 0.</summary>
    public double StallProbability { get; set; }

    /// <summary>Gets or sets the seed of the faults' random numbers; <see langword="null"/> for a random seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Gets whether any fault is switched on.</summary>
    public bool Any => DropProbability > 0 || DropBeforeTerminal || UnavailableRate > 0 || StallProbability > 0;

    internal IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[] { (nameof(DropProbability), DropProbability), (nameof(UnavailableRate), UnavailableRate), (nameof(StallProbability), StallProbability) })
        {
            if (!(value is >= 0 and <= 1))
            {
                yield return $"Faults.{name} ({value}) must be between 0 and 1.";
            }
        }

        if (RetryAfterSeconds < 0)
        {
            yield return $"Faults.RetryAfterSeconds ({RetryAfterSeconds}) must not be negative.";
        }
    }
}
