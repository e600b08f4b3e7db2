using System.Globalization;

namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>
/// One watch of the chaos suite: its seed, its fault profile, and the run it watches (<c>very-long</c> with
/// <see cref="Stages"/> stages of <see cref="DelayMs"/>), all drawn from the seed. The plan of the execution's
/// n-th stream (or snapshot) request is drawn from (<see cref="Seed"/>, endpoint, n).
/// </summary>
internal sealed record ChaosWatch(int Seed, FaultProfile Profile, int Stages, int DelayMs)
{
    /// <summary>Set to <c>profile:seed</c> (as a failure prints it) to run that one watch alone.</summary>
    public const string ReplayVariable = "RESILIENTSSE_CHAOS_REPLAY";

    /// <summary>Set to a number to run the suite with other seeds than CI's.</summary>
    public const string SuiteSeedVariable = "RESILIENTSSE_CHAOS_SEED";

    public string Key => $"{Profile.Name}:{Seed.ToString(CultureInfo.InvariantCulture)}";

    public static ChaosWatch Create(int seed, FaultProfile profile)
    {
        var random = new Random(seed);
        return new ChaosWatch(seed, profile, random.Next(3, 7), random.Next(10, 51));
    }

    /// <summary>The suite: <paramref name="count"/> watches, the profiles interleaved; or only the watch named by <see cref="ReplayVariable"/>.</summary>
    public static IReadOnlyList<ChaosWatch> Suite(int defaultSeed, int count)
    {
        if (Environment.GetEnvironmentVariable(ReplayVariable) is { Length: > 0 } replay)
        {
            var parts = replay.Split(':');
            return [Create(int.Parse(parts[1], CultureInfo.InvariantCulture), FaultProfile.Named(parts[0]))];
        }

        var suiteSeed = int.TryParse(Environment.GetEnvironmentVariable(SuiteSeedVariable), CultureInfo.InvariantCulture, out var chosen) ? chosen : defaultSeed;
        return [.. Enumerable.Range(0, count).Select(i => Create(Seeds.Mix(suiteSeed, i), FaultProfile.All[i % FaultProfile.All.Count]))];
    }

    public override string ToString() => $"{Key} ({Stages} stages of {DelayMs} ms)";
}
