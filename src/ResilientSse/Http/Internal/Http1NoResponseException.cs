namespace ResilientSse.Http.Internal;

/// <summary>
/// The connection ended or failed before a single byte of a response came: on a connection taken from the pool, the
/// server most likely closed it while it was idle, and the request can be sent again on a new one.
/// </summary>
internal sealed class Http1NoResponseException(Uri? requestUri, Exception? inner) : HttpRequestException(
    HttpRequestError.ResponseEnded,
    $"The server at {requestUri} closed the connection without a response{(inner is null ? "" : $": {inner.Message}")}.",
    inner);
