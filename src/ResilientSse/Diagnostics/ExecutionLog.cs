using Microsoft.Extensions.Logging;

namespace ResilientSse.Diagnostics;

/// <summary>The execution watcher's log messages (event ids 2000–2099). Payloads are never logged.</summary>
internal static partial class ExecutionLog
{
    [LoggerMessage(2000, LogLevel.Debug, "Watch of {ExecutionId} started: stream {StreamUri}, snapshot {SnapshotUri}.")]
    public static partial void WatchStarted(ILogger logger, string executionId, Uri streamUri, Uri snapshotUri);

    [LoggerMessage(2001, LogLevel.Information, "Stream of {ExecutionId} connected (connection {Connection}, resuming after '{LastEventId}').")]
    public static partial void Connected(ILogger logger, string executionId, int connection, string? lastEventId);

    [LoggerMessage(2002, LogLevel.Warning, "Stream of {ExecutionId} ended before the terminal event ({Outcome}).")]
    public static partial void StreamEnded(ILogger logger, string executionId, ResilientSse.Executions.Internal.WatchSignal outcome, Exception? exception);

    [LoggerMessage(2003, LogLevel.Information, "Waiting {Delay} before stream attempt {Attempt} of {ExecutionId}.")]
    public static partial void Reconnecting(ILogger logger, string executionId, TimeSpan delay, int attempt);

    [LoggerMessage(2004, LogLevel.Debug, "Snapshot of {ExecutionId}: {Status}, last event '{LastEventId}'.")]
    public static partial void SnapshotRead(ILogger logger, string executionId, string status, string? lastEventId);

    [LoggerMessage(2005, LogLevel.Warning, "Snapshot of {ExecutionId} unavailable.")]
    public static partial void SnapshotUnavailable(ILogger logger, string executionId, Exception? exception);

    [LoggerMessage(2006, LogLevel.Warning, "Stream of {ExecutionId} is unusable; polling the snapshot every {Interval}.")]
    public static partial void PollingStarted(ILogger logger, string executionId, TimeSpan interval, Exception? exception);

    [LoggerMessage(2007, LogLevel.Warning, "Events {From}..{To} of {ExecutionId} could not be obtained.")]
    public static partial void Gap(ILogger logger, string executionId, long from, long to);

    [LoggerMessage(2008, LogLevel.Debug, "Dropped duplicate event '{EventId}' of {ExecutionId}.")]
    public static partial void DuplicateDropped(ILogger logger, string executionId, string eventId);

    [LoggerMessage(2009, LogLevel.Information, "Watch of {ExecutionId} ended: {Status} (from the {Source}).")]
    public static partial void Finished(ILogger logger, string executionId, string status, string source);

    [LoggerMessage(2010, LogLevel.Debug, "Watch of {ExecutionId}: {Signal} in {From} → {To}, {Action}.")]
    public static partial void Decided(ILogger logger, string executionId, ResilientSse.Executions.Internal.WatchSignal signal,
        ResilientSse.Executions.Internal.WatchPhase from, ResilientSse.Executions.Internal.WatchPhase to, ResilientSse.Executions.Internal.WatchAction action);
}
