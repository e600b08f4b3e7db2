using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResilientSse.Streaming;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers <see cref="SseClient"/> singletons, the generic resilient SSE client, unnamed or keyed by name, each with
/// its own options and its own named <see cref="HttpClient"/> from <c>IHttpClientFactory</c>.
/// </summary>
/// <remarks>
/// A registered client is a singleton that takes a fresh <see cref="HttpClient"/> from <c>IHttpClientFactory</c> for
/// every subscription (each <c>SubscribeAsync</c> call), so the factory's handler rotation (<c>SetHandlerLifetime</c>)
/// and DNS changes reach it. The <see cref="HttpClient"/> gets an infinite <see cref="HttpClient.Timeout"/>: streams
/// outlive any whole-request timeout, and <see cref="SseClientOptions.IdleTimeout"/> guards them instead. Options are
/// validated when the host starts, and a resilience handler on the client (<c>AddStandardResilienceHandler</c>,
/// <c>AddStandardHedgingHandler</c>) fails the start with an <see cref="InvalidOperationException"/>: the client retries itself.
/// </remarks>
public static class SseClientServiceCollectionExtensions
{
    /// <summary>
    /// The name of the unnamed SSE client's <see cref="HttpClient"/>; the client named <c>prices</c> uses
    /// <c>ResilientSse.SseClient.prices</c>.
    /// </summary>
    public const string HttpClientName = "ResilientSse.SseClient";

    /// <summary>Registers <see cref="SseClient"/>, configured by <paramref name="configure"/>, with options validated when the host starts.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; the defaults suit most servers.</param>
    /// <returns>The client's <see cref="IHttpClientBuilder"/> (<see cref="HttpClientName"/>), to set a base address or add handlers (authentication, logging).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IHttpClientBuilder AddSseClient(this IServiceCollection services, Action<SseClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SseClientOptions>().Configure(configure);
        return AddCore(services, Options.Options.DefaultName);
    }

    /// <summary>
    /// Registers <see cref="SseClient"/> with options bound from <paramref name="configuration"/> (for example the
    /// <c>SseClient</c> section), validated when the host starts; otherwise as <see cref="AddSseClient(IServiceCollection, Action{SseClientOptions})"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding <see cref="SseClientOptions"/>.</param>
    /// <returns>The client's <see cref="IHttpClientBuilder"/> (<see cref="HttpClientName"/>), to set a base address or add handlers (authentication, logging).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IHttpClientBuilder AddSseClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SseClientOptions>().Bind(configuration);
        return AddCore(services, Options.Options.DefaultName);
    }

    /// <summary>
    /// Registers the <see cref="SseClient"/> keyed <paramref name="name"/> (resolve it with
    /// <c>GetRequiredKeyedService&lt;SseClient&gt;(name)</c> or <c>[FromKeyedServices(name)]</c>), configured by
    /// <paramref name="configure"/> on the options named <paramref name="name"/>, validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name: its service key, its options name, and the suffix of its <see cref="HttpClient"/>'s name.</param>
    /// <param name="configure">Sets the options; the defaults suit most servers.</param>
    /// <returns>The client's own <see cref="IHttpClientBuilder"/> (<c>ResilientSse.SseClient.</c><paramref name="name"/>), to set a base address or add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configure"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IHttpClientBuilder AddSseClient(this IServiceCollection services, string name, Action<SseClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SseClientOptions>(name).Configure(configure);
        return AddCore(services, name);
    }

    /// <summary>
    /// Registers the <see cref="SseClient"/> keyed <paramref name="name"/> with the options named <paramref name="name"/>
    /// bound from <paramref name="configuration"/>; otherwise as <see cref="AddSseClient(IServiceCollection, string, Action{SseClientOptions})"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name: its service key, its options name, and the suffix of its <see cref="HttpClient"/>'s name.</param>
    /// <param name="configuration">The configuration section holding <see cref="SseClientOptions"/>.</param>
    /// <returns>The client's own <see cref="IHttpClientBuilder"/> (<c>ResilientSse.SseClient.</c><paramref name="name"/>), to set a base address or add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configuration"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static IHttpClientBuilder AddSseClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SseClientOptions>(name).Bind(configuration);
        return AddCore(services, name);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services, string name)
    {
        var clientName = StreamingRegistration.ClientName(HttpClientName, name);
        var registration = name.Length == 0 ? "AddSseClient" : $"AddSseClient(\"{name}\")";
        var builder = StreamingRegistration.AddStreamingClient<SseClientOptions, SseClientOptionsValidator>(services, name, clientName, registration);
        if (name.Length == 0)
        {
            services.TryAddSingleton(provider => Create(provider, name, clientName));
        }
        else
        {
            services.TryAddKeyedSingleton(name, (provider, _) => Create(provider, name, clientName));
        }

        return builder;
    }

    private static SseClient Create(IServiceProvider provider, string name, string clientName) => new(
        StreamingRegistration.Clients(provider, clientName),
        provider.GetRequiredService<IOptionsMonitor<SseClientOptions>>().Get(name),
        provider.GetRequiredService<TimeProvider>(),
        provider.GetService<ILoggerFactory>());
}
