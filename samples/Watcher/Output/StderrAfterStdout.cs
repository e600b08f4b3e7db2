using System.Text;

namespace ResilientSse.Watcher.Output;

/// <summary>
/// Standard error that first writes out the event lines still buffered on stdout, so that a terminal showing both,
/// or a reader merging them (<c>2&gt;&amp;1</c>), sees a notice after the events that came before it.
/// </summary>
internal sealed class StderrAfterStdout(TextWriter stderr, TextWriter stdout) : TextWriter
{
    /// <inheritdoc/>
    public override Encoding Encoding => stderr.Encoding;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        stdout.Flush();
        stderr.Write(value);
    }

    /// <inheritdoc/>
    public override void Write(char[] buffer, int index, int count)
    {
        stdout.Flush();
        stderr.Write(buffer, index, count);
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        stdout.Flush();
        stderr.Write(value);
    }

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<char> buffer)
    {
        stdout.Flush();
        stderr.Write(buffer);
    }

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        stdout.Flush();
        stderr.WriteLine(value);
    }

    /// <inheritdoc/>
    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        stdout.Flush();
        stderr.WriteLine(buffer);
    }

    /// <inheritdoc/>
    public override void WriteLine()
    {
        stdout.Flush();
        stderr.WriteLine();
    }

    /// <inheritdoc/>
    public override void Flush() => stderr.Flush();
}
