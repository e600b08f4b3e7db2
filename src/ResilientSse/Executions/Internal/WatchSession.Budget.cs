using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

/// <summary>How long a watch may go without contact, and how it gives up when that runs out.</summary>
internal sealed partial class WatchSession
{
    /// <summary>The budget in force: the first-contact budget until the server has answered at all (any status), then the offline budget.</summary>
    private TimeSpan Budget => ContactBudget.InForce(_reached, _options.OfflineBudget, _options.FirstContactBudget);

    /// <summary>
    /// Whether the offline budget is spent: no contact with the server for the budget — or, while catching up to a
    /// known end, no new event for it (accepted connections that never complete an event must not go on for ever).
    /// </summary>
    private bool OfflineBudgetSpent(WatchPhase phase)
    {
        var since = phase == WatchPhase.CatchingUp ? _lastNewEvent : _lastContact;
        return ContactBudget.Spent(Budget, _time.GetElapsedTime(since));
    }

    /// <summary>The exception a watch ends with when its budget ran out: which budget, for how long, and the last cause inside.</summary>
    private OfflineBudgetExceededException GaveUp()
    {
        var offline = _time.GetElapsedTime(_lastContact);
        return new OfflineBudgetExceededException(offline, Budget, _reached
            ? $"Gave up watching execution '{_executionId}': no contact with the server for {offline} (offline budget {_options.OfflineBudget}). Last cause: {Describe(_lastFailureOfAny)}."
            : $"Gave up watching execution '{_executionId}': the server never answered in {offline} (first-contact budget {_options.FirstContactBudget}). Last cause: {Describe(_lastFailureOfAny)}.",
            _lastFailureOfAny);
    }
}
