namespace ResilientSse.Tests.Executions;

/// <summary>Reads the watch's transition table from docs/ARCHITECTURE.md: the rows under the header "| state | signal | when |".</summary>
internal static class TransitionTable
{
    public static IReadOnlyList<string[]> Read()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "ARCHITECTURE.md"));
        var header = Array.FindIndex(lines, line => line.StartsWith("| state | signal | when |", StringComparison.Ordinal));
        Assert.True(header >= 0, "docs/ARCHITECTURE.md has no transition table");
        return lines.Skip(header + 2)
            .TakeWhile(line => line.StartsWith('|'))
            .Select(line => line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())
            .ToList();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ResilientSse.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"ResilientSse.sln not found above {AppContext.BaseDirectory}.");
    }
}
