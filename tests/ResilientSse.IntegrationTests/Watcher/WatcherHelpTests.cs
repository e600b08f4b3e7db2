using ResilientSse.IntegrationTests.TestSupport;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>The help says what people type, what each command exits with, and what run's workflows read.</summary>
public sealed class WatcherHelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("watch", "--help")]
    [InlineData("run", "--help")]
    [InlineData("demo", "--help")]
    [InlineData("tail", "--help")]
    [InlineData("workflows", "--help")]
    [InlineData("doctor", "--help")]
    public async Task Help_NamesTheProgramAndTheExitCodes(params string[] args)
    {
        var (exitCode, stdout, _) = await WatcherProcess.RunAsync(args);

        Assert.Equal(0, exitCode);
        Assert.Contains("ssewatch " + (args.Length > 1 ? args[0] : "[command]"), stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("ResilientSse.Watcher", stdout, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 ", stdout, StringComparison.Ordinal);
        Assert.Contains("2 ", stdout, StringComparison.Ordinal);
        Assert.Contains("130 interrupted", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoctorHelp_ListsEachOptionOnceWithItsOwnFormats()
    {
        var (_, stdout, _) = await WatcherProcess.RunAsync("doctor", "--help");

        var options = stdout.Split('\n').Select(line => line.TrimStart()).Where(line => line.StartsWith("--", StringComparison.Ordinal)).Select(line => line.Split(' ')[0]).ToList();
        Assert.Equal(options.Distinct(), options);
        Assert.Contains("--format <json|text>", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("jsonl", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunHelp_ListsTheInputFieldsOfTheReferenceWorkflows()
    {
        var (_, stdout, _) = await WatcherProcess.RunAsync("run", "--help");

        Assert.Contains("quick: none", stdout, StringComparison.Ordinal);
        Assert.Contains("very-long: stages (", stdout, StringComparison.Ordinal);
        Assert.Contains("delayMs (", stdout, StringComparison.Ordinal);
        Assert.Contains("failing: none", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ShowsTheDefaultServer()
    {
        var (_, stdout, _) = await WatcherProcess.RunAsync("watch", "--help");

        Assert.Contains("http://127.0.0.1:5080", stdout, StringComparison.Ordinal);
    }
}
