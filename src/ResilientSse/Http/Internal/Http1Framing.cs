namespace ResilientSse.Http.Internal;

/// <summary>How an HTTP/1.1 response body's end is known (RFC 9112 §6.3).</summary>
internal enum Http1Framing
{
    /// <summary>No body: a response to HEAD, a 204 or a 304.</summary>
    None,

    /// <summary><c>Content-Length</c> bytes.</summary>
    ContentLength,

    /// <summary><c>Transfer-Encoding: chunked</c>, up to the last chunk and its trailer section.</summary>
    Chunked,

    /// <summary>Whatever comes until the server closes the connection.</summary>
    UntilClose,
}
