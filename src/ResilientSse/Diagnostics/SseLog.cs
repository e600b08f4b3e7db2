using Microsoft.Extensions.Logging;

namespace ResilientSse.Diagnostics;

/// <summary>The SSE layer's log messages (event ids 1000–1099). Payloads are never logged above Trace.</summary>
internal static partial class SseLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Connecting to {RequestUri}.")]
    public static partial void Connecting(ILogger logger, Uri? requestUri);

    [LoggerMessage(1001, LogLevel.Information, "Connected to {RequestUri} (connection {Connection}, Last-Event-ID '{LastEventId}').")]
    public static partial void Connected(ILogger logger, Uri? requestUri, int connection, string lastEventId);

    [LoggerMessage(1002, LogLevel.Information, "Connection {Connection} ended.")]
    public static partial void Disconnected(ILogger logger, int connection, Exception? exception);

    [LoggerMessage(1003, LogLevel.Warning, "Reconnecting in {Delay} (attempt {Attempt}).")]
    public static partial void Reconnecting(ILogger logger, TimeSpan delay, int attempt, Exception? exception);

    [LoggerMessage(1004, LogLevel.Information, "{RequestUri} answered 204 No Content: the server has nothing more to send.")]
    public static partial void NoContent(ILogger logger, Uri? requestUri);

    [LoggerMessage(1005, LogLevel.Trace, "Event '{EventType}' (last event ID '{LastEventId}', {Length} chars of data).")]
    public static partial void EventReceived(ILogger logger, string eventType, string? lastEventId, int length);

    [LoggerMessage(1006, LogLevel.Error, "Gave up after {OfflineFor} without a connection (offline budget {Budget}).")]
    public static partial void GaveUp(ILogger logger, TimeSpan offlineFor, TimeSpan budget, Exception? exception);

    [LoggerMessage(1007, LogLevel.Error, "Subscription ended by a permanent error.")]
    public static partial void PermanentError(ILogger logger, Exception exception);

    [LoggerMessage(1008, LogLevel.Error, "The OnNotice callback threw on a {Kind} notice while the subscription was being disposed; the exception was not rethrown.")]
    public static partial void ObserverFailed(ILogger logger, ResilientSse.Streaming.SseNoticeKind kind, Exception exception);
}
