// Temporary stand-ins for the streaming layer's public types, so the execution layer compiles
// while the streaming layer is being written. Replaced when it lands.
#pragma warning disable CS1591
namespace ResilientSse
{
    public class ResilientSseException : Exception
    {
        public ResilientSseException(string message) : base(message) { }
        public ResilientSseException(string message, Exception? innerException) : base(message, innerException) { }
    }
    public sealed class SseHttpStatusException(string m) : ResilientSseException(m) { }
    public sealed class SseLimitExceededException(string m) : ResilientSseException(m) { }
    public sealed class OfflineBudgetExceededException(string m) : ResilientSseException(m) { }
}
namespace ResilientSse.Streaming
{
    public sealed class SseClientOptions
    {
        public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);
        public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);
        public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);
        public TimeSpan OfflineBudget { get; set; } = TimeSpan.FromMinutes(10);
        public int MaxEventSize { get; set; } = 1 << 20;
    }
    public readonly struct SseEvent
    {
        public string EventType { get; init; }
        public string Data { get; init; }
        public string LastEventId { get; init; }
    }
    public sealed class SseClient
    {
        public SseClient(HttpClient httpClient, SseClientOptions? options = null, TimeProvider? timeProvider = null) { }
        public IAsyncEnumerable<SseEvent> SubscribeAsync(Uri uri, string? lastEventId = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
