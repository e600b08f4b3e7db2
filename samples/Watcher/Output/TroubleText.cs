using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using ResilientSse.Executions;

namespace ResilientSse.Watcher.Output;

/// <summary>Says in a few words why a request or a stream failed, and in one line why a command ended.</summary>
internal static class TroubleText
{
    /// <summary>
    /// Why an attempt failed, e.g. <c>connection refused</c>, <c>503 Service Unavailable, Retry-After 1s</c>,
    /// <c>idle timeout</c>; for no cause at all, a clean end by the server or a proxy.
    /// </summary>
    public static string Reason(Exception? cause) => cause switch
    {
        null => "the server or a proxy ended the stream",
        SseTransientException { Reason: SseTransientReason.HttpStatus } transient => Status(transient.StatusCode, transient.RetryAfter),
        SseTransientException { Reason: SseTransientReason.IdleTimeout } => "idle timeout: no bytes, not even a heartbeat",
        SseTransientException { Reason: SseTransientReason.Timeout } => "the request timed out",
        SseTransientException { Reason: SseTransientReason.Abandoned } => "the stream stalled while the snapshot moved on",
        SseTransientException transient => Network(transient.InnerException ?? transient),
        SseHttpStatusException status => Status(status.StatusCode, null),
        SseContentTypeException => "the answer is not text/event-stream",
        HttpRequestException or IOException or SocketException or AuthenticationException => Network(cause),
        _ => OneLine(cause.Message),
    };

    /// <summary>The one line a command ends with when the watch itself failed (exit code 2).</summary>
    public static string Failure(Exception error, Uri? server) => error switch
    {
        OfflineBudgetExceededException gaveUp =>
            $"gave up after {Duration.Format(gaveUp.Budget)} without contact with {Authority(server)}: {Reason(gaveUp.InnerException)}",
        ExecutionNotFoundException notFound =>
            $"unknown execution '{notFound.ExecutionId}': {Authority(server)} answered 404 for its stream and its snapshot",
        SseLimitExceededException limit =>
            $"the server sent an event larger than {ByteSize.Format(limit.Limit)}, the most the watcher reads; if such events are expected, raise it with --max-event-size (e.g. --max-event-size {ByteSize.Format(Math.Min((long)limit.Limit * 16, int.MaxValue / 2 + 1))})",
        SseHttpStatusException status => $"{Authority(server)} answered {Status(status.StatusCode, null)}: {OneLine(status.Message)}",
        HttpRequestException or SocketException or AuthenticationException => $"cannot reach {Authority(server)} ({Network(error)})",
        _ => OneLine(error.Message),
    };

    /// <summary>The scheme, host and port of the server, as people type it.</summary>
    public static string Authority(Uri? server) => server?.GetLeftPart(UriPartial.Authority) ?? "the server";

    private static string Status(HttpStatusCode? code, TimeSpan? retryAfter)
    {
        var status = code is { } c ? $"{(int)c} {Phrase(c)}" : "an error status";
        return retryAfter is { } wait ? $"{status}, Retry-After {Duration.Format(wait)}" : status;
    }

    private static string Phrase(HttpStatusCode code) => code switch
    {
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        HttpStatusCode.TooManyRequests => "Too Many Requests",
        HttpStatusCode.BadGateway => "Bad Gateway",
        HttpStatusCode.GatewayTimeout => "Gateway Timeout",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        HttpStatusCode.RequestTimeout => "Request Timeout",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        _ => code.ToString(),
    };

    private static string Network(Exception error)
    {
        for (var e = (Exception?)error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return Socket(socket.SocketErrorCode);
                case AuthenticationException tls:
                    return $"TLS handshake failed: {OneLine(tls.Message)}";
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return "DNS: the host name cannot be resolved";
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } secure when secure.InnerException is null:
                    return "TLS handshake failed";
                case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return "the connection was closed mid-response (a proxy or the server cut it)";
                case HttpRequestException { HttpRequestError: HttpRequestError.ProxyTunnelError }:
                    return "the HTTP proxy refused the tunnel";
                case IOException when e.InnerException is null or IOException:
                    return "the connection was cut (by a proxy or the server)";
            }
        }

        var innermost = error;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return OneLine(innermost.Message);
    }

    private static string Socket(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "DNS: the host name cannot be resolved",
        SocketError.TimedOut => "the connection timed out",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => "the host is unreachable",
        SocketError.ConnectionReset or SocketError.ConnectionAborted => "the connection was reset (by a proxy or the server)",
        _ => $"network error ({error})",
    };

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
