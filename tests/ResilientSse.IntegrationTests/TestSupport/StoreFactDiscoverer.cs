using ResilientSse.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>Finds <see cref="StoreFactAttribute"/> tests: skipped ones where the class needs Redis and there is none.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    private readonly FactDiscoverer _fact = new(diagnosticMessageSink);

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        if (typeof(IRequiresRedis).IsAssignableFrom(testMethod.TestClass.Class.ToRuntimeType()) && RedisServer.SkipReason is { } reason)
        {
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)];
        }

        return _fact.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
