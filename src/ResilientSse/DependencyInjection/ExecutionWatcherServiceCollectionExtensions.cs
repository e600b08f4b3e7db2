using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResilientSse.Executions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="IExecutionWatcher"/> singletons, unnamed or keyed by name, each with its own options and its
/// own named <see cref="HttpClient"/> from <c>IHttpClientFactory</c>.
/// </summary>
/// <remarks>
/// A registered watcher is a singleton that takes a fresh client from <c>IHttpClientFactory</c> for every watch (each
/// enumeration of <see cref="IExecutionWatcher.WatchAsync"/>) and every <see cref="IExecutionWatcher.GetSnapshotAsync"/>
/// call, so the factory's handler rotation (<c>SetHandlerLifetime</c>) and DNS changes reach it; the state that paces
/// its reconnections stays with the watcher. Options are validated when the host starts, and a resilience handler on
/// the client (<c>AddStandardResilienceHandler</c>, <c>AddStandardHedgingHandler</c>) fails the start with an
/// <see cref="InvalidOperationException"/>: the watcher retries itself.
/// </remarks>
public static class ExecutionWatcherServiceCollectionExtensions
{
    /// <summary>
    /// The name of the unnamed watcher's <see cref="HttpClient"/>; the watcher named <c>billing</c> uses
    /// <c>ResilientSse.ExecutionWatcher.billing</c>.
    /// </summary>
    public const string HttpClientName = "ResilientSse.ExecutionWatcher";

    /// <summary>
    /// Registers <see cref="IExecutionWatcher"/>, configured by <paramref name="configure"/>, with options validated
    /// when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, at least <see cref="ExecutionWatcherOptions.BaseAddress"/>.</param>
    /// <returns>The watcher's <see cref="IHttpClientBuilder"/> (<see cref="HttpClientName"/>), to add handlers (authentication, logging).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IHttpClientBuilder AddExecutionWatcher(this IServiceCollection services, Action<ExecutionWatcherOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ExecutionWatcherOptions>().Configure(configure);
        return AddCore(services, Options.Options.DefaultName);
    }

    /// <summary>
    /// Registers <see cref="IExecutionWatcher"/> with options bound from <paramref name="configuration"/> (for example
    /// the <c>ExecutionWatcher</c> section), validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding <see cref="ExecutionWatcherOptions"/>.</param>
    /// <returns>The watcher's <see cref="IHttpClientBuilder"/> (<see cref="HttpClientName"/>), to add handlers (authentication, logging).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IHttpClientBuilder AddExecutionWatcher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ExecutionWatcherOptions>().Bind(configuration);
        return AddCore(services, Options.Options.DefaultName);
    }

    /// <summary>
    /// Registers the <see cref="IExecutionWatcher"/> keyed <paramref name="name"/> (resolve it with
    /// <c>GetRequiredKeyedService&lt;IExecutionWatcher&gt;(name)</c> or <c>[FromKeyedServices(name)]</c>), configured by
    /// <paramref name="configure"/> on the options named <paramref name="name"/>, validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The watcher's name: its service key, its options name, and the suffix of its client's name.</param>
    /// <param name="configure">Sets the options, at least <see cref="ExecutionWatcherOptions.BaseAddress"/>.</param>
    /// <returns>The watcher's own <see cref="IHttpClientBuilder"/> (<c>ResilientSse.ExecutionWatcher.</c><paramref name="name"/>), to add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configure"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IHttpClientBuilder AddExecutionWatcher(this IServiceCollection services, string name, Action<ExecutionWatcherOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ExecutionWatcherOptions>(name).Configure(configure);
        return AddCore(services, name);
    }

    /// <summary>
    /// Registers the <see cref="IExecutionWatcher"/> keyed <paramref name="name"/> with the options named
    /// <paramref name="name"/> bound from <paramref name="configuration"/>; otherwise as
    /// <see cref="AddExecutionWatcher(IServiceCollection, string, Action{ExecutionWatcherOptions})"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The watcher's name: its service key, its options name, and the suffix of its client's name.</param>
    /// <param name="configuration">The configuration section holding <see cref="ExecutionWatcherOptions"/>.</param>
    /// <returns>The watcher's own <see cref="IHttpClientBuilder"/> (<c>ResilientSse.ExecutionWatcher.</c><paramref name="name"/>), to add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configuration"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IHttpClientBuilder AddExecutionWatcher(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ExecutionWatcherOptions>(name).Bind(configuration);
        return AddCore(services, name);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services, string name)
    {
        var clientName = StreamingRegistration.ClientName(HttpClientName, name);
        var registration = name.Length == 0 ? "AddExecutionWatcher" : $"AddExecutionWatcher(\"{name}\")";
        var builder = StreamingRegistration.AddStreamingClient<ExecutionWatcherOptions, ExecutionWatcherOptionsValidator>(services, name, clientName, registration);
        if (name.Length == 0)
        {
            services.TryAddSingleton<IExecutionWatcher>(provider => Create(provider, name, clientName));
        }
        else
        {
            services.TryAddKeyedSingleton<IExecutionWatcher>(name, (provider, _) => Create(provider, name, clientName));
        }

        return builder;
    }

    private static ExecutionWatcher Create(IServiceProvider provider, string name, string clientName) => new(
        StreamingRegistration.Clients(provider, clientName),
        provider.GetRequiredService<IOptionsMonitor<ExecutionWatcherOptions>>().Get(name),
        provider.GetRequiredService<TimeProvider>(),
        provider.GetService<ILoggerFactory>());
}
