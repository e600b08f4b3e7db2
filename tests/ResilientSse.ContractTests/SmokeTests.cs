namespace ResilientSse.ContractTests;

public class SmokeTests
{
    [Fact]
    public void Build_Works() => Assert.True(true);
}
