namespace ResilientSse.IntegrationTests.Chaos;

/// <summary>
/// The chaos tests run alone: they load both cores and measure waits in milliseconds, so nothing else may run beside
/// them. Select them with <c>--filter Category=Chaos</c>; they are part of the normal run too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosTests
{
    public const string Name = "Chaos";
}
