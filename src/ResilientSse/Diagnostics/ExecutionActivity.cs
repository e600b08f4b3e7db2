using System.Diagnostics;

namespace ResilientSse.Diagnostics;

/// <summary>Tracing for watches: one <c>ResilientSse.Watch</c> activity per watch, with its gaps and fallbacks as events.</summary>
internal static class ExecutionActivity
{
    public const string SourceName = "ResilientSse";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartWatch(string executionId, Uri streamUri)
    {
        var activity = Source.StartActivity("ResilientSse.Watch", ActivityKind.Client);
        activity?.SetTag("resilientsse.execution.id", executionId);
        activity?.SetTag("url.full", streamUri.AbsoluteUri);
        return activity;
    }

    public static void AddEvent(Activity? activity, string name, string detail)
    {
        activity?.AddEvent(new ActivityEvent(name, tags: new ActivityTagsCollection { ["detail"] = detail }));
    }
}
