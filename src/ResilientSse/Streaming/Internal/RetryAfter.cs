using System.Net.Http.Headers;

namespace ResilientSse.Streaming.Internal;

/// <summary>Reads a <c>Retry-After</c> header in either form: delay-seconds or an HTTP-date.</summary>
internal static class RetryAfter
{
    /// <summary>Returns the delay the header asks for, never negative, or <see langword="null"/> when there is none.</summary>
    public static TimeSpan? Read(RetryConditionHeaderValue? header, TimeProvider timeProvider)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var delay = date - timeProvider.GetUtcNow();
            return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }

        return null;
    }
}
