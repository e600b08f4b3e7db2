namespace ResilientSse.Tests.TestSupport;

/// <summary>Tests that measure retained memory: they run alone, not beside other tests that allocate.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringTests
{
    public const string Name = "Measures memory";
}
