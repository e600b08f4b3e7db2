using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResilientSse.Executions;
using ResilientSse.Streaming.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IExecutionWatcher"/> with a typed <see cref="HttpClient"/> from <c>IHttpClientFactory</c>.</summary>
public static class ExecutionWatcherServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the watcher uses.</summary>
    public const string HttpClientName = "ResilientSse.ExecutionWatcher";

    /// <summary>
    /// Registers <see cref="IExecutionWatcher"/>, configured by <paramref name="configure"/>, with options validated
    /// when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, at least <see cref="ExecutionWatcherOptions.BaseAddress"/>.</param>
    /// <returns>The watcher's <see cref="IHttpClientBuilder"/>, to add handlers (authentication, logging, resilience).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IHttpClientBuilder AddExecutionWatcher(this IServiceCollection services, Action<ExecutionWatcherOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ExecutionWatcherOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="IExecutionWatcher"/> with options bound from <paramref name="configuration"/> (for example
    /// the <c>ExecutionWatcher</c> section), validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding <see cref="ExecutionWatcherOptions"/>.</param>
    /// <returns>The watcher's <see cref="IHttpClientBuilder"/>, to add handlers (authentication, logging, resilience).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IHttpClientBuilder AddExecutionWatcher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ExecutionWatcherOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services) =>
        StreamingRegistration.AddStreamingClient<ExecutionWatcherOptions, ExecutionWatcherOptionsValidator>(services, HttpClientName)
            .AddTypedClient<IExecutionWatcher>((client, provider) => new ExecutionWatcher(
                client,
                provider.GetRequiredService<IOptions<ExecutionWatcherOptions>>().Value,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILoggerFactory>()));
}
