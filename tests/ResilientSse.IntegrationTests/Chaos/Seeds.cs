namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>Derives seeds from seeds (SplitMix64), the same on every machine and run (unlike <see cref="HashCode"/>).</summary>
internal static class Seeds
{
    public static int Mix(int seed, params int[] parts)
    {
        var state = (ulong)(uint)seed;
        foreach (var part in parts)
        {
            state = Next(state ^ ((ulong)(uint)part * 0x9E3779B97F4A7C15UL));
        }

        return (int)(Next(state) & 0x7FFFFFFF);
    }

    private static ulong Next(ulong state)
    {
        var z = state + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
