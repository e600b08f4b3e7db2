using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using ResilientSse.Streaming.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What registering the SSE client and the execution watcher have in common: validated options per name, the clock,
/// a streaming <see cref="HttpClient"/> per name, and the refusal of a resilience handler on that client.
/// </summary>
internal static class StreamingRegistration
{
    /// <summary>The name of the client of the registration named <paramref name="name"/>: the unnamed one keeps <paramref name="baseName"/> itself.</summary>
    public static string ClientName(string baseName, string name) =>
        name.Length == 0 ? baseName : $"{baseName}.{name}";

    /// <summary>
    /// Validates the <typeparamref name="TOptions"/> named <paramref name="optionsName"/> at host start with
    /// <typeparamref name="TValidator"/> and with <see cref="ResilienceHandlerCheck"/> on <paramref name="httpClientName"/>,
    /// registers the system clock unless one is, and returns the named client: an infinite <see cref="HttpClient.Timeout"/>
    /// (streams outlive any whole-request timeout; the idle timeout guards them instead) and <c>Last-Event-ID</c> sent as UTF-8.
    /// </summary>
    public static IHttpClientBuilder AddStreamingClient<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(
        IServiceCollection services, string optionsName, string httpClientName, string registration)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        // The check runs with the options' validation: at host start, and on first use when there is no host.
        services.AddOptions<TOptions>(optionsName)
            .Validate<IHttpMessageHandlerFactory>((_, handlers) => ResilienceHandlerCheck.ThrowIfPresent(handlers, httpClientName, registration))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services
            .AddHttpClient(httpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .SendLastEventIdAsUtf8();
    }

    /// <summary>A source of clients named <paramref name="httpClientName"/>: each call is a new client over the factory's current handler.</summary>
    public static Func<HttpClient> Clients(IServiceProvider provider, string httpClientName)
    {
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        return () => factory.CreateClient(httpClientName);
    }
}
