using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ResilientSse.Streaming;

namespace ResilientSse.Tests.DependencyInjection;

public class SseClientServiceCollectionExtensionsTests
{
    [Fact]
    public void AddSseClient_Configured_ResolvesAClientWithTheOptions()
    {
        var services = new ServiceCollection();

        var builder = services.AddSseClient(o => o.IdleTimeout = TimeSpan.FromSeconds(5));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(SseClientServiceCollectionExtensions.HttpClientName, builder.Name);
        Assert.NotNull(provider.GetRequiredService<SseClient>());
        Assert.Equal(TimeSpan.FromSeconds(5), provider.GetRequiredService<IOptions<SseClientOptions>>().Value.IdleTimeout);
    }

    [Fact]
    public void AddSseClient_FromConfiguration_BindsTheOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IdleTimeout"] = "00:00:20",
            ["InitialReconnectDelay"] = "00:00:02",
            ["MaxEventSize"] = "4096",
        }).Build();
        var services = new ServiceCollection();

        services.AddSseClient(configuration);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SseClientOptions>>().Value;

        Assert.NotNull(provider.GetRequiredService<SseClient>());
        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(2), 4096), (options.IdleTimeout, options.InitialReconnectDelay, options.MaxEventSize));
    }

    [Fact]
    public async Task AddSseClient_InvalidConfiguration_FailsAtHostStartWithTheValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["JitterRatio"] = "3" }).Build();
        var services = new ServiceCollection();
        services.AddSseClient(configuration);
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("JitterRatio (3) must be between 0 and 1.", ex.Failures);
    }

    [Fact]
    public async Task AddSseClient_InvalidOptions_FailAtHostStartWithEveryError()
    {
        var services = new ServiceCollection();
        services.AddSseClient(o =>
        {
            o.JitterRatio = 2;
            o.MaxEventSize = 10;
        });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("JitterRatio (2) must be between 0 and 1.", ex.Failures);
        Assert.Contains("MaxEventSize (10) must be at least 64 bytes.", ex.Failures);
    }

    [Fact]
    public void AddSseClient_ClientTimeout_IsInfiniteSoStreamsAreNotCut()
    {
        var services = new ServiceCollection();
        services.AddSseClient(_ => { });
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(SseClientServiceCollectionExtensions.HttpClientName);

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }
}
