namespace ResilientSse.Tests.TestSupport;

/// <summary>
/// The matrix every byte-level case runs across (STYLE.md habit 11): each line end (LF, CRLF, CR) and each read size
/// (all at once, and 1, 2, 3 bytes per read, which also splits multi-byte UTF-8).
/// </summary>
internal static class ProcessingModelMatrix
{
    /// <summary>Every case name with every line end and read size.</summary>
    public static TheoryData<string, string, int> For(IEnumerable<string> caseNames)
    {
        var data = new TheoryData<string, string, int>();
        foreach (var name in caseNames)
        {
            foreach (var lineEnd in new[] { "LF", "CRLF", "CR" })
            {
                foreach (var chunk in new[] { int.MaxValue, 1, 2, 3 })
                {
                    data.Add(name, lineEnd, chunk);
                }
            }
        }

        return data;
    }

    /// <summary>Writes <paramref name="body"/>, given with LF line ends, with <paramref name="lineEnd"/> instead.</summary>
    public static string WithLineEnd(string body, string lineEnd) =>
        body.Replace("\n", lineEnd switch { "LF" => "\n", "CRLF" => "\r\n", _ => "\r" }, StringComparison.Ordinal);
}
