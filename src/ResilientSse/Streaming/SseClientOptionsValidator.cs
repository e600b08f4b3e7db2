using System.Globalization;
using Microsoft.Extensions.Options;

namespace ResilientSse.Streaming;

/// <summary>
/// Validates <see cref="SseClientOptions"/> once, up front, reporting every error with its value, e.g.
/// <c>MaxReconnectDelay (00:00:01) must be at least InitialReconnectDelay (00:00:02).</c>
/// </summary>
internal sealed class SseClientOptionsValidator : IValidateOptions<SseClientOptions>
{
    /// <summary>Validates <paramref name="options"/>.</summary>
    /// <param name="name">The options name.</param>
    /// <param name="options">The options to validate.</param>
    /// <returns>Success, or a failure that lists every invalid setting with its value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public ValidateOptionsResult Validate(string? name, SseClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        PositiveOrInfinite(errors, nameof(options.IdleTimeout), options.IdleTimeout);
        PositiveOrInfinite(errors, nameof(options.OfflineBudget), options.OfflineBudget);
        PositiveOrInfinite(errors, nameof(options.FirstContactBudget), options.FirstContactBudget);
        if (options.InitialReconnectDelay < TimeSpan.Zero)
        {
            errors.Add($"InitialReconnectDelay ({options.InitialReconnectDelay}) must not be negative.");
        }

        if (options.MaxReconnectDelay <= TimeSpan.Zero)
        {
            errors.Add($"MaxReconnectDelay ({options.MaxReconnectDelay}) must be greater than zero.");
        }
        else if (options.MaxReconnectDelay < options.InitialReconnectDelay)
        {
            errors.Add($"MaxReconnectDelay ({options.MaxReconnectDelay}) must be at least InitialReconnectDelay ({options.InitialReconnectDelay}).");
        }

        if (options.HealthyConnectionThreshold < TimeSpan.Zero)
        {
            errors.Add($"HealthyConnectionThreshold ({options.HealthyConnectionThreshold}) must not be negative.");
        }

        if (!(options.JitterRatio is >= 0 and <= 1))
        {
            errors.Add($"JitterRatio ({options.JitterRatio.ToString(CultureInfo.InvariantCulture)}) must be between 0 and 1.");
        }

        if (options.MaxEventSize < Internal.SseClientDefaults.MinEventSize)
        {
            errors.Add($"MaxEventSize ({options.MaxEventSize}) must be at least {Internal.SseClientDefaults.MinEventSize} bytes.");
        }

        if (options.HttpVersion is null || !Internal.SseClientDefaults.HttpVersions.Contains(options.HttpVersion))
        {
            errors.Add($"HttpVersion ({options.HttpVersion?.ToString() ?? "null"}) must be one of {string.Join(", ", Internal.SseClientDefaults.HttpVersions)}.");
        }

        if (!Enum.IsDefined(options.HttpVersionPolicy))
        {
            errors.Add($"HttpVersionPolicy ({(int)options.HttpVersionPolicy}) is not a defined HttpVersionPolicy.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every error when <paramref name="options"/> are invalid.</summary>
    internal static void ThrowIfInvalid(SseClientOptions options)
    {
        var result = new SseClientOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SseClientOptions), result.Failures);
        }
    }

    private static void PositiveOrInfinite(List<string> errors, string name, TimeSpan value)
    {
        if (value != Timeout.InfiniteTimeSpan && value <= TimeSpan.Zero)
        {
            errors.Add($"{name} ({value}) must be greater than zero, or Timeout.InfiniteTimeSpan.");
        }
    }
}
