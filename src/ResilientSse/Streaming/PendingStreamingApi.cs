// Temporary stand-ins for the streaming layer's types, so the execution layer compiles
// while the streaming layer is being written. Replaced when it lands.
#pragma warning disable CS1591
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ResilientSse
{
    public class ResilientSseException : Exception
    {
        public ResilientSseException(string message) : base(message) { }
        public ResilientSseException(string message, Exception? innerException) : base(message, innerException) { }
    }
    public sealed class SseHttpStatusException(HttpStatusCode statusCode, Uri? requestUri, string m) : ResilientSseException(m)
    {
        public HttpStatusCode StatusCode { get; } = statusCode;
        public Uri? RequestUri { get; } = requestUri;
        public static SseHttpStatusException Create(HttpStatusCode s, Uri? u, string m) => new(s, u, m);
    }
    public sealed class SseContentTypeException(string m) : ResilientSseException(m) { }
    public sealed class SseLimitExceededException(string m) : ResilientSseException(m) { }
    public sealed class OfflineBudgetExceededException(TimeSpan offlineFor, TimeSpan budget, string m) : ResilientSseException(m)
    {
        public TimeSpan OfflineFor { get; } = offlineFor;
        public TimeSpan Budget { get; } = budget;
    }
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
        public double JitterRatio { get; set; } = 0.5;
        public TimeSpan HealthyConnectionThreshold { get; set; } = TimeSpan.FromSeconds(30);
        public Action<SseConnectedArguments>? OnConnected { get; set; }
        public Action<SseReconnectingArguments>? OnReconnecting { get; set; }
        public Action<SseDisconnectedArguments>? OnDisconnected { get; set; }
    }
    public readonly record struct SseConnectedArguments(int Connection, Uri? RequestUri, string LastEventId);
    public readonly record struct SseReconnectingArguments(int Attempt, TimeSpan Delay, Exception? Cause);
    public readonly record struct SseDisconnectedArguments(int Connection, Exception? Cause);
    public readonly record struct SseRequestContext(int Attempt, string LastEventId);
    public sealed class SseClientOptionsValidator : IValidateOptions<SseClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, SseClientOptions options) => ValidateOptionsResult.Success;
    }
    public readonly struct SseEvent
    {
        public string EventType { get; init; }
        public string Data { get; init; }
        public string LastEventId { get; init; }
        public int Connection { get; init; }
    }
    public sealed class SseClient
    {
        public SseClient(HttpClient httpClient, SseClientOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null) { }
        public IAsyncEnumerable<SseEvent> SubscribeAsync(Uri uri, string? lastEventId = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public IAsyncEnumerable<SseEvent> SubscribeAsync(Func<SseRequestContext, HttpRequestMessage> requestFactory, string? lastEventId = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
namespace ResilientSse.Streaming.Internal
{
    internal sealed class SseTransientException(string m) : Exception(m)
    {
        public TimeSpan? RetryAfter { get; init; }
        public HttpStatusCode? StatusCode { get; init; }
    }
    internal sealed class SseConnector(HttpClient httpClient, SseClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        public Task<SseConnection?> ConnectAsync(HttpRequestMessage request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
    internal sealed class SseConnection : IAsyncDisposable
    {
        public TimeSpan? ReconnectionInterval { get; }
        public IAsyncEnumerable<SseEvent> ReadEventsAsync(string lastEventId, int connectionNumber, CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => default;
    }
    internal sealed class ReconnectBackoff(SseClientOptions options, TimeProvider timeProvider)
    {
        public void SetServerRetry(TimeSpan retry) { }
        public void OnConnected() { }
        public void OnDisconnected() { }
        public TimeSpan NextDelay(TimeSpan? retryAfter = null) => TimeSpan.Zero;
    }
}
