using System.Net.Http;
using Microsoft.Extensions.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Refuses a resilience handler (<c>AddStandardResilienceHandler</c>, <c>AddStandardHedgingHandler</c>,
/// <c>AddResilienceHandler</c> of Microsoft.Extensions.Http.Resilience) on a client the library streams through. The
/// engine retries, backs off and honours <c>Retry-After</c> itself; a handler underneath would retry each attempt again
/// (multiplying the load a recovering server sees), and hedging would open duplicate streams. The handler is found by
/// its type's full name, so the library does not depend on that package.
/// </summary>
internal static class ResilienceHandlerCheck
{
    /// <summary>The full name of the handler every <c>Add*ResilienceHandler</c> and <c>AddStandardHedgingHandler</c> adds.</summary>
    public const string ResilienceHandlerTypeName = "Microsoft.Extensions.Http.Resilience.ResilienceHandler";

    /// <summary>Builds (or reuses) the handler chain of <paramref name="httpClientName"/> and throws when it holds a resilience handler.</summary>
    /// <returns><see langword="true"/>, for use as an options validation.</returns>
    /// <exception cref="InvalidOperationException">The chain holds a resilience handler; the message says which client and what to remove.</exception>
    public static bool ThrowIfPresent(IHttpMessageHandlerFactory handlers, string httpClientName, string registration)
    {
        for (var handler = handlers.CreateHandler(httpClientName); handler is DelegatingHandler delegating; handler = delegating.InnerHandler)
        {
            if (IsResilienceHandler(delegating.GetType()))
            {
                throw new InvalidOperationException(
                    $"The HttpClient '{httpClientName}' of {registration} has a resilience handler ({delegating.GetType().FullName}): remove " +
                    "AddStandardResilienceHandler, AddStandardHedgingHandler or AddResilienceHandler from the IHttpClientBuilder it returned " +
                    "(or from ConfigureHttpClientDefaults, with RemoveAllResilienceHandlers on that builder). The library already retries with " +
                    "backoff, Retry-After and Last-Event-ID resumption, bounded by its OfflineBudget: a resilience handler would retry every " +
                    "attempt again, and hedging would open duplicate streams. Tune the library's options instead; plain DelegatingHandlers " +
                    "(authentication, logging) are fine.");
            }
        }

        return true;
    }

    private static bool IsResilienceHandler(Type type)
    {
        for (Type? current = type; current is not null; current = current.BaseType)
        {
            if (string.Equals(current.FullName, ResilienceHandlerTypeName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
