namespace ResilientSse.ReferenceServer.Api;

/// <summary>
/// The request log of event streams, at Information: each stream's start (who, which execution, resumed from where)
/// and its end (how many events, the last id written, and why it ended) — what a proxy cut needs to be diagnosed.
/// Category <see cref="Category"/>; <see cref="ReferenceServerOptions.RequestLog"/> turns it off.
/// </summary>
internal static partial class StreamLog
{
    public const string Category = "ResilientSse.ReferenceServer.Streams";

    /// <summary>An id from the request line as it may be logged: control characters (a decoded %0A) become '?', so one request is one line.</summary>
    public static string Printable(string value) =>
        value.Any(char.IsControl) ? string.Concat(value.Select(c => char.IsControl(c) ? '?' : c)) : value;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "stream {ExecutionId} from {Client}: opened, {Resume}")]
    public static partial void Opened(ILogger logger, string executionId, string client, string resume);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "stream {ExecutionId} from {Client}: ended after {Events} event(s), last id {LastId}: {Reason}")]
    public static partial void Ended(ILogger logger, string executionId, string client, int events, long lastId, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "stream {ExecutionId} from {Client}: answered {Status} without a stream: {Reason}")]
    public static partial void Refused(ILogger logger, string executionId, string client, int status, string reason);
}
