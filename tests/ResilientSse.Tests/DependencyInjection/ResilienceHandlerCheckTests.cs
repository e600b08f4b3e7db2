using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using ResilientSse.Executions;
using ResilientSse.Streaming;
using ResilientSse.Tests.TestSupport;
using static ResilientSse.Testing.ExecutionScript;

namespace ResilientSse.Tests.DependencyInjection;

/// <summary>
/// The engine retries itself: a resilience handler of Microsoft.Extensions.Http.Resilience on its client would stack
/// retries on its own (and hedging would open duplicate streams), so it fails the start; a plain handler does not.
/// </summary>
public class ResilienceHandlerCheckTests
{
    [Fact]
    public async Task AddExecutionWatcher_StandardResilienceHandler_FailsAtHostStartSayingWhatToRemove()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher(o => o.BaseAddress = Registrations.BaseAddress).AddStandardResilienceHandler();
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("'ResilientSse.ExecutionWatcher' of AddExecutionWatcher has a resilience handler", ex.Message, StringComparison.Ordinal);
        Assert.Contains("remove AddStandardResilienceHandler, AddStandardHedgingHandler or AddResilienceHandler", ex.Message, StringComparison.Ordinal);
        Assert.Contains("would retry every attempt again", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddExecutionWatcher_NamedWithStandardHedgingHandler_FailsAtHostStartNamingTheWatcher()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress).AddStandardHedgingHandler();
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("'ResilientSse.ExecutionWatcher.billing' of AddExecutionWatcher(\"billing\")", ex.Message, StringComparison.Ordinal);
        Assert.Contains("hedging would open duplicate streams", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddExecutionWatcher_ResilienceHandlerWithoutAHost_FailsAtFirstResolve()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress).AddStandardResilienceHandler();
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<IExecutionWatcher>("billing"));

        Assert.Contains("AddStandardResilienceHandler", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddExecutionWatcher_ResilienceHandlerOnAnotherClient_IsNoneOfItsBusiness()
    {
        var services = new ServiceCollection();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress);
        services.AddHttpClient("orders").AddStandardResilienceHandler();
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.NotNull(provider.GetRequiredKeyedService<IExecutionWatcher>("billing"));
    }

    [Fact]
    public async Task AddSseClient_ResilienceHandlerFromClientDefaults_FailsAtHostStart()
    {
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(builder => builder.AddStandardResilienceHandler());
        services.AddSseClient(_ => { });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("'ResilientSse.SseClient' of AddSseClient", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RemoveAllResilienceHandlers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSseClient_NamedWithStandardResilienceHandler_FailsAtHostStartAndAtFirstResolve()
    {
        var services = new ServiceCollection();
        services.AddSseClient("prices", _ => { }).AddStandardResilienceHandler();
        await using var provider = services.BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(provider.GetRequiredService<IStartupValidator>().Validate);
        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<SseClient>("prices"));

        Assert.Contains("'ResilientSse.SseClient.prices' of AddSseClient(\"prices\")", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSseClient_CustomResilienceHandler_FailsAtHostStart()
    {
        var services = new ServiceCollection();
        services.AddSseClient(_ => { }).AddResilienceHandler("mine", pipeline => pipeline.AddTimeout(TimeSpan.FromSeconds(5)));
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("Microsoft.Extensions.Http.Resilience.ResilienceHandler", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddExecutionWatcher_ClientDefaultsResilienceHandlerRemovedFromItsBuilder_Starts()
    {
        // What the message advises when every other client of the application should keep the handler.
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(builder => builder.AddStandardResilienceHandler());
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental
        services.AddExecutionWatcher(o => o.BaseAddress = Registrations.BaseAddress).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.NotNull(provider.GetRequiredService<IExecutionWatcher>());
    }

    [Fact]
    public async Task AddExecutionWatcher_PlainDelegatingHandler_StartsAndSendsThroughIt()
    {
        string? authorization = null;
        var server = new ScriptedHandler().On(StreamPath, request =>
        {
            authorization = request.Headers.Authorization?.ToString();
            return ScriptedHandler.SseResponse(Events(1, 8));
        });
        var services = new ServiceCollection();
        services.AddTransient<BearerHandler>();
        services.AddExecutionWatcher("billing", o => o.BaseAddress = Registrations.BaseAddress)
            .AddHttpMessageHandler<BearerHandler>()
            .Serve(server);
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var items = await Registrations.WatchToEndAsync(provider.GetRequiredKeyedService<IExecutionWatcher>("billing"));

        Assert.True(items[^1].IsTerminal);
        Assert.Equal("Bearer t0k3n", authorization);
    }

    private sealed class BearerHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new("Bearer", "t0k3n");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
