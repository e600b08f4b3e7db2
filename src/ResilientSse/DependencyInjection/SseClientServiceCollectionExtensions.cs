using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ResilientSse.Streaming;
using ResilientSse.Streaming.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="SseClient"/>, the generic resilient SSE client, with a typed <see cref="HttpClient"/> from <c>IHttpClientFactory</c>.</summary>
public static class SseClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the SSE client uses.</summary>
    public const string HttpClientName = "ResilientSse.SseClient";

    /// <summary>
    /// Registers <see cref="SseClient"/>, configured by <paramref name="configure"/>, with options validated when
    /// the host starts. The <see cref="HttpClient"/> gets an infinite <see cref="HttpClient.Timeout"/>: streams
    /// outlive any whole-request timeout, and <see cref="SseClientOptions.IdleTimeout"/> guards them instead.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; the defaults suit most servers.</param>
    /// <returns>The client's <see cref="IHttpClientBuilder"/>, to set a base address or add handlers (authentication, logging).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is null.</exception>
    public static IHttpClientBuilder AddSseClient(this IServiceCollection services, Action<SseClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SseClientOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="SseClient"/> with options bound from <paramref name="configuration"/> (for example the
    /// <c>SseClient</c> section), validated when the host starts; otherwise as <see cref="AddSseClient(IServiceCollection, Action{SseClientOptions})"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding <see cref="SseClientOptions"/>.</param>
    /// <returns>The client's <see cref="IHttpClientBuilder"/>, to set a base address or add handlers (authentication, logging).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is null.</exception>
    public static IHttpClientBuilder AddSseClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SseClientOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IHttpClientBuilder AddCore(IServiceCollection services) =>
        StreamingRegistration.AddStreamingClient<SseClientOptions, SseClientOptionsValidator>(services, HttpClientName)
            .AddTypedClient((client, provider) => new SseClient(
                client,
                provider.GetRequiredService<IOptions<SseClientOptions>>().Value,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILoggerFactory>()));
}
