using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ResilientSse.Streaming.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>What registering the SSE client and the execution watcher have in common: validated options, the clock, and a streaming <see cref="HttpClient"/>.</summary>
internal static class StreamingRegistration
{
    /// <summary>
    /// Validates <typeparamref name="TOptions"/> at host start with <typeparamref name="TValidator"/>, registers the
    /// system clock unless one is, and returns the named client: an infinite <see cref="HttpClient.Timeout"/> (streams
    /// outlive any whole-request timeout; the idle timeout guards them instead) and <c>Last-Event-ID</c> sent as UTF-8.
    /// </summary>
    public static IHttpClientBuilder AddStreamingClient<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(IServiceCollection services, string httpClientName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services
            .AddHttpClient(httpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .SendLastEventIdAsUtf8();
    }
}
