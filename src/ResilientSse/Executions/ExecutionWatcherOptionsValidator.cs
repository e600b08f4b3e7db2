using Microsoft.Extensions.Options;
using ResilientSse.Executions.Internal;
using ResilientSse.Streaming;

namespace ResilientSse.Executions;

/// <summary>
/// Validates <see cref="ExecutionWatcherOptions"/> once, up front, reporting every error with its value.
/// Registered by <c>AddExecutionWatcher</c> and run at host start.
/// </summary>
internal sealed class ExecutionWatcherOptionsValidator : IValidateOptions<ExecutionWatcherOptions>
{
    /// <summary>Validates <paramref name="options"/>.</summary>
    /// <param name="name">The options name.</param>
    /// <param name="options">The options to validate.</param>
    /// <returns>Success, or a failure that lists every invalid setting with its value.</returns>
    public ValidateOptionsResult Validate(string? name, ExecutionWatcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.BaseAddress is { IsAbsoluteUri: false } relative)
        {
            errors.Add($"BaseAddress ({relative}) must be an absolute http or https address.");
        }
        else if (options.BaseAddress is { } address && address.Scheme is not ("http" or "https"))
        {
            errors.Add($"BaseAddress ({address}) must use http or https.");
        }

        RequirePath(errors, nameof(options.StreamPath), options.StreamPath);
        RequirePath(errors, nameof(options.SnapshotPath), options.SnapshotPath);
        RequirePositive(errors, nameof(options.PollInterval), options.PollInterval);
        RequirePositive(errors, nameof(options.StreamRetryInterval), options.StreamRetryInterval);
        RequirePositive(errors, nameof(options.SnapshotTimeout), options.SnapshotTimeout);
        if (options.QuietStreamCheckInterval != Timeout.InfiniteTimeSpan)
        {
            RequirePositive(errors, nameof(options.QuietStreamCheckInterval), options.QuietStreamCheckInterval);
        }

        if (options.FirstContactBudget != Timeout.InfiniteTimeSpan)
        {
            RequirePositive(errors, nameof(options.FirstContactBudget), options.FirstContactBudget);
        }

        if (options.OfflineBudget != Timeout.InfiniteTimeSpan)
        {
            RequirePositive(errors, nameof(options.OfflineBudget), options.OfflineBudget);
        }

        if (options.MaxStreamFailures < 1)
        {
            errors.Add($"MaxStreamFailures ({options.MaxStreamFailures}) must be at least 1.");
        }

        if (options.TerminalEventTypes is null || options.TerminalEventTypes.Count == 0)
        {
            errors.Add("TerminalEventTypes must name at least one terminal event type.");
        }
        else
        {
            foreach (var (type, status) in options.TerminalEventTypes)
            {
                if (!status.IsTerminal())
                {
                    errors.Add($"TerminalEventTypes['{type}'] ({status}) must be a terminal status (Completed, Failed or Cancelled).");
                }
            }
        }

        if (options.StatusNames is null || !options.StatusNames.Values.Any(s => s.IsTerminal()))
        {
            errors.Add("StatusNames must map at least one status name to a terminal status.");
        }

        if (options.ParseEventId is null)
        {
            errors.Add("ParseEventId must be set.");
        }

        if (options.Stream is null)
        {
            errors.Add("Stream must be set.");
        }
        else if (new SseClientOptionsValidator().Validate(name, options.Stream) is { Failed: true } streamResult)
        {
            errors.AddRange(streamResult.Failures.Select(failure => "Stream." + failure));
        }
        else if (options.Stream.OnNotice is not null)
        {
            errors.Add("Stream.OnNotice is for SseClient subscriptions and is never called by a watch: set ExecutionWatcherOptions.OnNotice instead.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void RequirePath(List<string> errors, string name, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            errors.Add($"{name} must be set.");
        }
        else if (!path.Contains(ExecutionWatcherDefaults.IdPlaceholder, StringComparison.Ordinal))
        {
            errors.Add($"{name} ({path}) must contain the {ExecutionWatcherDefaults.IdPlaceholder} placeholder.");
        }
    }

    private static void RequirePositive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} ({value}) must be greater than zero.");
        }
    }
}
