namespace ResilientSse;

/// <summary>
/// The server answered 200 with a body that is not <c>text/event-stream</c>: the address is not an SSE endpoint
/// (a login page, a JSON API, a proxy's error page).
/// </summary>
public sealed class SseContentTypeException : ResilientSseException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="mediaType">The media type the server sent, or <see langword="null"/> when it sent none.</param>
    /// <param name="requestUri">The address that was requested.</param>
    /// <param name="message">What went wrong and what to check.</param>
    public SseContentTypeException(string? mediaType, Uri? requestUri, string message)
        : base(message)
    {
        MediaType = mediaType;
        RequestUri = requestUri;
    }

    /// <summary>Gets the media type the server sent, or <see langword="null"/> when it sent none.</summary>
    public string? MediaType { get; }

    /// <summary>Gets the address that was requested, if known.</summary>
    public Uri? RequestUri { get; }
}
