using ResilientSse.Executions;

namespace ResilientSse.Tests.Executions;

public class ExecutionWatcherOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new ExecutionWatcherOptionsValidator().Validate(null, new ExecutionWatcherOptions { BaseAddress = new Uri("http://127.0.0.1:5080") });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_SeveralInvalidSettings_ReportsEveryErrorWithItsValue()
    {
        var options = new ExecutionWatcherOptions
        {
            BaseAddress = new Uri("ftp://127.0.0.1/"),
            StreamPath = "executions/stream",
            SnapshotTimeout = TimeSpan.Zero,
            PollInterval = TimeSpan.FromSeconds(-1),
            MaxStreamFailures = 0,
            OfflineBudget = TimeSpan.FromSeconds(-5),
            QuietStreamCheckInterval = TimeSpan.Zero,
        };
        options.TerminalEventTypes["run.paused"] = ExecutionStatus.Running;

        var result = new ExecutionWatcherOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains("BaseAddress (ftp://127.0.0.1/) must use http or https.", failures);
        Assert.Contains("StreamPath (executions/stream) must contain the {id} placeholder.", failures);
        Assert.Contains("SnapshotTimeout (00:00:00) must be greater than zero.", failures);
        Assert.Contains("PollInterval (-00:00:01) must be greater than zero.", failures);
        Assert.Contains("MaxStreamFailures (0) must be at least 1.", failures);
        Assert.Contains("OfflineBudget (-00:00:05) must be greater than zero.", failures);
        Assert.Contains("QuietStreamCheckInterval (00:00:00) must be greater than zero.", failures);
        Assert.Contains("TerminalEventTypes['run.paused'] (Running) must be a terminal status (Completed, Failed or Cancelled).", failures);
    }

    [Fact]
    public void Validate_InfiniteOfflineBudgetAndQuietCheck_AreAllowed()
    {
        var result = new ExecutionWatcherOptionsValidator().Validate(null, new ExecutionWatcherOptions { OfflineBudget = Timeout.InfiniteTimeSpan, QuietStreamCheckInterval = Timeout.InfiniteTimeSpan });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeAnyRequest()
    {
        using var client = new HttpClient();
        var options = new ExecutionWatcherOptions { BaseAddress = new Uri("http://127.0.0.1:5080"), PollInterval = TimeSpan.Zero };

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new ExecutionWatcher(client, options));

        Assert.Contains("PollInterval (00:00:00) must be greater than zero.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoBaseAddressAnywhere_ThrowsSayingWhatToSet()
    {
        using var client = new HttpClient();

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new ExecutionWatcher(client, new ExecutionWatcherOptions()));

        Assert.Contains("BaseAddress", ex.Message, StringComparison.Ordinal);
    }
}
