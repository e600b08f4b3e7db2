using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ResilientSse.Executions;
using static ResilientSse.Testing.ExecutionScript;

namespace ResilientSse.Tests.DependencyInjection;

/// <summary>Several watchers in one container: the name is the service key, the options name and the client's name.</summary>
public class ExecutionWatcherNamedRegistrationTests
{
    [Fact]
    public void AddExecutionWatcher_TwoNames_EachResolvesByKeyWithItsOwnOptionsAndClient()
    {
        var services = new ServiceCollection();

        var billing = services.AddExecutionWatcher("billing", o => o.BaseAddress = new Uri("http://127.0.0.1:5081"));
        var shipping = services.AddExecutionWatcher("shipping", o => o.BaseAddress = new Uri("http://127.0.0.1:5082"));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<ExecutionWatcherOptions>>();

        Assert.Equal(("ResilientSse.ExecutionWatcher.billing", "ResilientSse.ExecutionWatcher.shipping"), (billing.Name, shipping.Name));
        Assert.Equal(new Uri("http://127.0.0.1:5081"), options.Get("billing").BaseAddress);
        Assert.Equal(new Uri("http://127.0.0.1:5082"), options.Get("shipping").BaseAddress);
        Assert.NotSame(provider.GetRequiredKeyedService<IExecutionWatcher>("billing"), provider.GetRequiredKeyedService<IExecutionWatcher>("shipping"));
        Assert.Null(provider.GetService<IExecutionWatcher>());
    }

    [Fact]
    public async Task AddExecutionWatcher_TwoNames_EachWatchGoesThroughItsOwnClient()
    {
        var billingServer = Registrations.CompletedExecution();
        var shippingServer = Registrations.CompletedExecution();
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress).Serve(billingServer);
        services.AddExecutionWatcher("shipping", o => o.BaseAddress = Registrations.BaseAddress).Serve(shippingServer);
        await using var provider = services.BuildServiceProvider();

        var items = await Registrations.WatchToEndAsync(provider.GetRequiredKeyedService<IExecutionWatcher>("billing"));

        Assert.True(items[^1].IsTerminal);
        Assert.Single(billingServer.RequestsTo(StreamPath));
        Assert.Empty(shippingServer.Requests);
    }

    [Fact]
    public async Task AddExecutionWatcher_BaseAddressOnlyOnTheNamedClient_WatchesThere()
    {
        var server = Registrations.CompletedExecution();
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", _ => { })
            .ConfigureHttpClient(client => client.BaseAddress = Registrations.BaseAddress)
            .Serve(server);
        await using var provider = services.BuildServiceProvider();

        var items = await Registrations.WatchToEndAsync(provider.GetRequiredKeyedService<IExecutionWatcher>("billing"));

        Assert.True(items[^1].IsTerminal);
        Assert.Single(server.RequestsTo(StreamPath));
    }

    [Fact]
    public void AddExecutionWatcher_Named_IsOneSingletonPerName()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress);
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredKeyedService<IExecutionWatcher>("billing"), provider.GetRequiredKeyedService<IExecutionWatcher>("billing"));
    }

    [Fact]
    public void AddExecutionWatcher_UnnamedBesideNamed_KeepsThePlainServiceAndItsClientName()
    {
        var services = new ServiceCollection();

        var unnamed = services.AddExecutionWatcher(o => o.BaseAddress = new Uri("http://127.0.0.1:5080"));
        services.AddExecutionWatcher("billing", o => o.BaseAddress = new Uri("http://127.0.0.1:5081"));
        using var provider = services.BuildServiceProvider();
        var watcher = provider.GetRequiredService<IExecutionWatcher>();

        Assert.Equal(ExecutionWatcherServiceCollectionExtensions.HttpClientName, unnamed.Name);
        Assert.Same(watcher, provider.GetRequiredService<IExecutionWatcher>());
        Assert.NotSame(watcher, provider.GetRequiredKeyedService<IExecutionWatcher>("billing"));
        Assert.Equal(new Uri("http://127.0.0.1:5080"), provider.GetRequiredService<IOptions<ExecutionWatcherOptions>>().Value.BaseAddress);
    }

    [Fact]
    public void AddExecutionWatcher_NamedFromConfiguration_BindsTheNamedOptionsOnly()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BaseAddress"] = "http://127.0.0.1:6000/api/",
            ["PollInterval"] = "00:00:03",
            ["Stream:IdleTimeout"] = "00:00:20",
        }).Build();
        var services = new ServiceCollection();

        services.AddExecutionWatcher("billing", configuration);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<ExecutionWatcherOptions>>();

        Assert.Equal(new Uri("http://127.0.0.1:6000/api/"), options.Get("billing").BaseAddress);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Get("billing").PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Get("billing").Stream.IdleTimeout);
        Assert.Null(options.Get(Options.DefaultName).BaseAddress);
        Assert.NotNull(provider.GetRequiredKeyedService<IExecutionWatcher>("billing"));
    }

    [Fact]
    public async Task AddExecutionWatcher_NamedInvalidOptions_FailAtHostStartUnderTheirName()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress);
        services.AddExecutionWatcher("shipping", o =>
        {
            o.BaseAddress = Registrations.BaseAddress;
            o.PollInterval = TimeSpan.Zero;
        });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Equal("shipping", ex.OptionsName);
        Assert.Equal(["PollInterval (00:00:00) must be greater than zero."], ex.Failures);
    }

    [Fact]
    public void AddExecutionWatcher_FromKeyedServicesParameter_InjectsTheNamedWatcher()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress);
        services.AddSingleton<BillingReport>();
        using var provider = services.BuildServiceProvider();

        var report = provider.GetRequiredService<BillingReport>();

        Assert.Same(provider.GetRequiredKeyedService<IExecutionWatcher>("billing"), report.Watcher);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void AddExecutionWatcher_BlankName_Throws(string name)
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddExecutionWatcher(name, _ => { }));
        Assert.Throws<ArgumentException>(() => services.AddExecutionWatcher(name, new ConfigurationBuilder().Build()));
    }

    [Fact]
    public void AddExecutionWatcher_NullName_Throws()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>(() => services.AddExecutionWatcher(null!, _ => { }));
    }

    private sealed class BillingReport([FromKeyedServices("billing")] IExecutionWatcher watcher)
    {
        public IExecutionWatcher Watcher => watcher;
    }
}
