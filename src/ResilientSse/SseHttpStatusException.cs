using System.Net;

namespace ResilientSse;

/// <summary>
/// The server answered with a status that retrying cannot fix: 401, 403, 404, 410 and the other 4xx statuses
/// except 408 and 429, or a status that is neither success, redirect nor error.
/// </summary>
public sealed class SseHttpStatusException : ResilientSseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The status the server answered.</param>
    /// <param name="requestUri">The address that was requested.</param>
    /// <param name="message">What went wrong and what to check.</param>
    public SseHttpStatusException(HttpStatusCode statusCode, Uri? requestUri, string message)
        : base(message)
    {
        StatusCode = statusCode;
        RequestUri = requestUri;
    }

    /// <summary>Gets the status the server answered.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>Gets the address that was requested, if known.</summary>
    public Uri? RequestUri { get; }
}
