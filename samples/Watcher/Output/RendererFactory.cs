namespace ResilientSse.Watcher.Output;

/// <summary>Picks the renderer: JSON lines when asked, the live view on an interactive terminal, plain lines otherwise.</summary>
internal static class RendererFactory
{
    public static IEventRenderer Create(WatchSettings settings, BufferedStdout stdout, TextWriter stderr, int? expectedStages, WatchNarrator narrator) =>
        settings.Format == "jsonl" ? new JsonLinesRenderer(stdout, stderr, settings.Verbose, narrator)
        : IsInteractive() ? new LiveRenderer(expectedStages, settings.Verbose, narrator)
        : new PlainTextRenderer(stdout, stderr, settings.Verbose, narrator);

    /// <summary>True when stdout is a terminal that can redraw: not redirected, not <c>TERM=dumb</c>, no <c>NO_COLOR</c>.</summary>
    public static bool IsInteractive() =>
        !Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable("TERM") is not ("dumb" or null or "")
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
