using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ResilientSse.Executions;

namespace ResilientSse.Tests.DependencyInjection;

public class ExecutionWatcherServiceCollectionExtensionsTests
{
    [Fact]
    public void AddExecutionWatcher_Configured_ResolvesAWatcherWithTheOptions()
    {
        var services = new ServiceCollection();

        var builder = services.AddExecutionWatcher(o => o.BaseAddress = new Uri("http://127.0.0.1:5080"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(ExecutionWatcherServiceCollectionExtensions.HttpClientName, builder.Name);
        Assert.IsType<ExecutionWatcher>(provider.GetRequiredService<IExecutionWatcher>());
        Assert.Equal(new Uri("http://127.0.0.1:5080"), provider.GetRequiredService<IOptions<ExecutionWatcherOptions>>().Value.BaseAddress);
    }

    [Fact]
    public void AddExecutionWatcher_FromConfiguration_BindsEveryKindOfSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BaseAddress"] = "http://127.0.0.1:6000/api/",
            ["StreamPath"] = "runs/{id}/events",
            ["PollInterval"] = "00:00:03",
            ["MaxStreamFailures"] = "7",
            ["Stream:IdleTimeout"] = "00:00:20",
        }).Build();
        var services = new ServiceCollection();

        services.AddExecutionWatcher(configuration);
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<ExecutionWatcherOptions>>().Value;

        Assert.Equal(new Uri("http://127.0.0.1:6000/api/"), options.BaseAddress);
        Assert.Equal("runs/{id}/events", options.StreamPath);
        Assert.Equal(TimeSpan.FromSeconds(3), options.PollInterval);
        Assert.Equal(7, options.MaxStreamFailures);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Stream.IdleTimeout);
    }

    [Fact]
    public async Task AddExecutionWatcher_InvalidOptions_FailAtHostStartWithEveryError()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher(o =>
        {
            o.BaseAddress = new Uri("http://127.0.0.1:5080");
            o.PollInterval = TimeSpan.Zero;
            o.SnapshotPath = "executions";
        });
        await using var provider = services.BuildServiceProvider();

        var startup = provider.GetRequiredService<IStartupValidator>();
        var ex = Assert.Throws<OptionsValidationException>(startup.Validate);

        Assert.Contains("PollInterval (00:00:00) must be greater than zero.", ex.Failures);
        Assert.Contains("SnapshotPath (executions) must contain the {id} placeholder.", ex.Failures);
    }

    [Fact]
    public void AddExecutionWatcher_ClientTimeout_IsInfiniteSoStreamsAreNotCut()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher(o => o.BaseAddress = new Uri("http://127.0.0.1:5080"));
        using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(ExecutionWatcherServiceCollectionExtensions.HttpClientName);

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }
}
