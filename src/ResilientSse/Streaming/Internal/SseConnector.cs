using System.Net;
using Microsoft.Extensions.Logging;
using ResilientSse.Diagnostics;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// Makes one connection attempt and sorts the answer into the status classes: 200 with <c>text/event-stream</c>
/// gives a <see cref="SseConnection"/>; 204 gives <see langword="null"/> (the server says stop); 408, 429, 5xx and
/// network failures throw <see cref="SseTransientException"/> (with <c>Retry-After</c>); any other status throws
/// <see cref="SseHttpStatusException"/>; a 200 that is not an event stream throws <see cref="SseContentTypeException"/>.
/// </summary>
internal sealed class SseConnector
{
    private readonly HttpClient _httpClient;
    private readonly SseClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public SseConnector(HttpClient httpClient, SseClientOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Sends <paramref name="request"/> and waits, at most the idle timeout, for the response headers.</summary>
    public async Task<SseConnection?> ConnectAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PrepareRequest(request);
        var idle = new IdleTimer(_options.IdleTimeout, _timeProvider, cancellationToken);
        HttpResponseMessage? response = null;
        try
        {
            SseLog.Connecting(_logger, request.RequestUri);
            idle.BeginWait();
            try
            {
                response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex is { InnerException: null, StatusCode: null, HttpRequestError: HttpRequestError.Unknown }
                && LastEventIdEncoding.FirstNonAsciiHeader(request) is { } header)
            {
                // How .NET's handlers refuse a non-ASCII header value: no status, no socket or I/O cause. Every retry
                // would fail the same way, so this ends the subscription instead of spending the offline budget.
                throw new ResilientSseException(
                    $"The request to {request.RequestUri} could not be sent: its {header} header is not ASCII ({ex.Message}). " +
                    $"Event ids may hold any character and are sent as UTF-8: give the HttpClient a SocketsHttpHandler whose RequestHeaderEncodingSelector " +
                    $"returns UTF-8 for {header} (AddSseClient and AddExecutionWatcher do this for their clients).", ex);
            }
            catch (Exception ex) when (idle.Translate(ex, "waiting for the response headers", request.RequestUri) is { } translated)
            {
                throw translated;
            }
            finally
            {
                idle.EndWait();
            }

            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                SseLog.NoContent(_logger, request.RequestUri);
                return null;
            }

            Classify(response, request.RequestUri);
            Stream body;
            idle.BeginWait();
            try
            {
                body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (idle.Translate(ex, "opening the response body", request.RequestUri) is { } translated)
            {
                throw translated;
            }
            finally
            {
                idle.EndWait();
            }

            var connection = new SseConnection(response, new SseResponseStream(body, idle), idle, _options.MaxEventSize, _logger);
            (response, idle) = (null, null!);
            return connection;
        }
        finally
        {
            response?.Dispose();
            idle?.Dispose();
        }
    }

    /// <summary>
    /// Adds <c>Accept</c> and <c>Cache-Control</c> unless the caller set them. They go in as text: the request lives as
    /// long as the connection, and parsed header objects would stay with every idle subscription.
    /// </summary>
    private static void PrepareRequest(HttpRequestMessage request)
    {
        if (!request.Headers.NonValidated.Contains("Accept"))
        {
            request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        }

        // Ask intermediaries for the live stream, not a cached copy (as browsers' EventSource does).
        if (!request.Headers.NonValidated.Contains("Cache-Control"))
        {
            request.Headers.TryAddWithoutValidation("Cache-Control", "no-cache");
        }
    }

    /// <summary>
    /// The type/subtype of the response's <c>Content-Type</c>, parameters and spacing left out; null when there is none.
    /// Read raw: a header the strict parser refuses (<c>text/event-stream;</c>, which browsers accept) counts too, and
    /// no parsed header object stays with the response for as long as the stream is open.
    /// </summary>
    private static string? MediaTypeOf(HttpContent content)
    {
        if (!content.Headers.NonValidated.TryGetValues("Content-Type", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            // The first value decides, as it would have had it parsed.
            var semicolon = value.IndexOf(';', StringComparison.Ordinal);
            return (semicolon < 0 ? value : value[..semicolon]).Trim();
        }

        return null;
    }

    private void Classify(HttpResponseMessage response, Uri? uri)
    {
        var status = response.StatusCode;
        var code = (int)status;
        if (status == HttpStatusCode.OK)
        {
            var mediaType = MediaTypeOf(response.Content);
            if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                throw new SseContentTypeException(mediaType, uri,
                    $"GET {uri} answered 200 with content type '{mediaType ?? "(none)"}', not 'text/event-stream': the address is not a Server-Sent Events endpoint.");
            }

            return;
        }

        if (status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || code >= 500)
        {
            var retryAfter = RetryAfter.Read(response.Headers.RetryAfter, _timeProvider);
            throw new SseTransientException(SseTransientReason.HttpStatus, $"GET {uri} answered {code} ({response.ReasonPhrase}).")
            {
                RequestUri = uri,
                StatusCode = status,
                RetryAfter = retryAfter,
            };
        }

        var hint = status switch
        {
            HttpStatusCode.Unauthorized => "the server wants credentials: configure the HttpClient to send them.",
            HttpStatusCode.Forbidden => "the credentials sent are not allowed to read this stream.",
            HttpStatusCode.NotFound => "the server does not know this address.",
            HttpStatusCode.Gone => "the stream is gone for good.",
            _ when code is >= 300 and < 400 => "a redirect that was not followed; check the address or the HttpClient's redirect settings.",
            _ => "retrying cannot fix this status.",
        };
        throw new SseHttpStatusException(status, uri, $"GET {uri} answered {code} ({response.ReasonPhrase}): {hint}");
    }
}
