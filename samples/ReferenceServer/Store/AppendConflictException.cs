namespace ResilientSse.ReferenceServer.Store;

/// <summary>
/// An append the log refused, changing nothing: its id is not the next one (another writer appended first) or the
/// execution has ended. The writer reads the record again and decides anew.
/// </summary>
internal sealed class AppendConflictException(string executionId, long eventId, string reason)
    : InvalidOperationException($"Event {eventId} of execution {executionId} was not appended: {reason}.")
{
    public string ExecutionId { get; } = executionId;

    public long EventId { get; } = eventId;
}
