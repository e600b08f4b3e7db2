using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ResilientSse.Streaming;

namespace ResilientSse.Tests.DependencyInjection;

/// <summary>Several SSE clients in one container: the name is the service key, the options name and the client's name.</summary>
public class SseClientNamedRegistrationTests
{
    [Fact]
    public void AddSseClient_TwoNames_EachResolvesByKeyWithItsOwnOptionsAndClient()
    {
        var services = new ServiceCollection();

        var prices = services.AddSseClient("prices", o => o.IdleTimeout = TimeSpan.FromSeconds(5));
        var news = services.AddSseClient("news", o => o.IdleTimeout = TimeSpan.FromSeconds(50));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<SseClientOptions>>();

        Assert.Equal(("ResilientSse.SseClient.prices", "ResilientSse.SseClient.news"), (prices.Name, news.Name));
        Assert.Equal(TimeSpan.FromSeconds(5), options.Get("prices").IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(50), options.Get("news").IdleTimeout);
        Assert.Same(provider.GetRequiredKeyedService<SseClient>("prices"), provider.GetRequiredKeyedService<SseClient>("prices"));
        Assert.NotSame(provider.GetRequiredKeyedService<SseClient>("prices"), provider.GetRequiredKeyedService<SseClient>("news"));
        Assert.Null(provider.GetService<SseClient>());
    }

    [Fact]
    public async Task AddSseClient_TwoNames_EachSubscriptionGoesThroughItsOwnClient()
    {
        var pricesServer = Registrations.TwoEvents();
        var newsServer = Registrations.TwoEvents();
        var services = new ServiceCollection();
        services.AddSseClient("prices", _ => { }).Serve(pricesServer);
        services.AddSseClient("news", _ => { }).Serve(newsServer);
        await using var provider = services.BuildServiceProvider();

        var items = await Registrations.FirstEventAsync(provider.GetRequiredKeyedService<SseClient>("news"));

        Assert.Equal("a", Assert.Single(items).Data);
        Assert.Single(newsServer.Requests);
        Assert.Empty(pricesServer.Requests);
    }

    [Fact]
    public void AddSseClient_UnnamedBesideNamed_KeepsThePlainServiceAndItsClientName()
    {
        var services = new ServiceCollection();

        var unnamed = services.AddSseClient(_ => { });
        services.AddSseClient("prices", _ => { });
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<SseClient>();

        Assert.Equal(SseClientServiceCollectionExtensions.HttpClientName, unnamed.Name);
        Assert.Same(client, provider.GetRequiredService<SseClient>());
        Assert.NotSame(client, provider.GetRequiredKeyedService<SseClient>("prices"));
    }

    [Fact]
    public void AddSseClient_NamedFromConfiguration_BindsTheNamedOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IdleTimeout"] = "00:00:20",
            ["MaxEventSize"] = "4096",
        }).Build();
        var services = new ServiceCollection();

        services.AddSseClient("prices", configuration);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<SseClientOptions>>().Get("prices");

        Assert.Equal((TimeSpan.FromSeconds(20), 4096), (options.IdleTimeout, options.MaxEventSize));
        Assert.NotNull(provider.GetRequiredKeyedService<SseClient>("prices"));
    }

    [Fact]
    public async Task AddSseClient_NamedInvalidOptions_FailAtHostStartUnderTheirName()
    {
        var services = new ServiceCollection();
        services.AddSseClient("prices", o => o.JitterRatio = 2);
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Equal("prices", ex.OptionsName);
        Assert.Contains("JitterRatio (2) must be between 0 and 1.", ex.Failures);
    }

    [Fact]
    public void AddSseClient_FromKeyedServicesParameter_InjectsTheNamedClient()
    {
        var services = new ServiceCollection();
        services.AddSseClient("prices", _ => { });
        services.AddSingleton<PriceFeed>();
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredKeyedService<SseClient>("prices"), provider.GetRequiredService<PriceFeed>().Client);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void AddSseClient_BlankName_Throws(string name)
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddSseClient(name, _ => { }));
        Assert.Throws<ArgumentException>(() => services.AddSseClient(name, new ConfigurationBuilder().Build()));
    }

    private sealed class PriceFeed([FromKeyedServices("prices")] SseClient client)
    {
        public SseClient Client => client;
    }
}
