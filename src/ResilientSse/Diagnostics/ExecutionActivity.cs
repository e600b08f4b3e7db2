using System.Diagnostics;

namespace ResilientSse.Diagnostics;

/// <summary>Tracing for watches: one <c>ResilientSse.Watch</c> activity per watch, with its gaps and fallbacks as events.</summary>
internal static class ExecutionActivity
{
    public static Activity? StartWatch(string executionId, Uri streamUri)
    {
        var activity = LibraryActivity.Start("ResilientSse.Watch");
        activity?.SetTag("resilientsse.execution.id", executionId);
        activity?.SetTag("url.full", streamUri.AbsoluteUri);
        return activity;
    }

    public static void AddEvent(Activity? activity, string name, string detail)
    {
        activity?.AddEvent(new ActivityEvent(name, tags: new ActivityTagsCollection { ["detail"] = detail }));
    }
}
