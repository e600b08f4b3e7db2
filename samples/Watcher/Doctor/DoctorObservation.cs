namespace ResilientSse.Watcher.Doctor;

/// <summary>Everything <c>doctor</c> recorded about one endpoint: the input of <see cref="DoctorAnalysis"/>.</summary>
/// <param name="Url">The endpoint.</param>
/// <param name="Duration">How long the stream was observed (resumption checks come on top).</param>
/// <param name="MaxEventBytes">The client's limit on one event.</param>
/// <param name="Connections">Every connection, in order; the first is made without a Last-Event-ID.</param>
internal sealed record DoctorObservation(Uri Url, TimeSpan Duration, long MaxEventBytes, IReadOnlyList<ConnectionRecord> Connections)
{
    /// <summary>
    /// Gets the stretches during which the doctor's own process did not run: what arrived in them was read late by the
    /// doctor, not held by the path.
    /// </summary>
    public IReadOnlyList<ProcessPause> Pauses { get; init; } = [];

    /// <summary>Gets the ids delivered without a resumption check, in order, each once.</summary>
    public IReadOnlyList<string> IdsInOrder { get; } = Connections
        .Where(c => !c.IsResumeCheck)
        .SelectMany(c => c.Events)
        .Select(e => e.Id)
        .OfType<string>()
        .Where(id => id.Length > 0)
        .Distinct(StringComparer.Ordinal)
        .ToList();
}
