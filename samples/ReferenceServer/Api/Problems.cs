namespace ResilientSse.ReferenceServer.Api;

/// <summary>RFC 9457 problem details (<c>application/problem+json</c>) for every error the API answers.</summary>
internal static class Problems
{
    public static IResult BadRequest(string field, string detail) => Results.Problem(
        detail: detail,
        statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid request",
        type: "https://resilientsse.dev/problems/invalid-request",
        extensions: new Dictionary<string, object?> { ["field"] = field });

    public static IResult NotFound(string title, string detail) => Results.Problem(
        detail: detail,
        statusCode: StatusCodes.Status404NotFound,
        title: title,
        type: "https://resilientsse.dev/problems/not-found");

    public static IResult Conflict(string detail) => Results.Problem(
        detail: detail,
        statusCode: StatusCodes.Status409Conflict,
        title: "Execution already ended",
        type: "https://resilientsse.dev/problems/already-terminal");

    public static IResult TooLarge(long limit) => Results.Problem(
        detail: $"The request body is larger than {limit} bytes.",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        type: "https://resilientsse.dev/problems/body-too-large");

    public static IResult TooMany(string detail) => Results.Problem(
        detail: detail,
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Too many live executions",
        type: "https://resilientsse.dev/problems/too-many-executions");

    public static IResult Unavailable(int retryAfterSeconds) => Results.Problem(
        detail: $"The stream is unavailable (an injected fault); retry after {retryAfterSeconds} s.",
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Stream unavailable",
        type: "https://resilientsse.dev/problems/unavailable");

    public static IResult TooLong(int status, string title, string detail) => Results.Problem(
        detail: detail,
        statusCode: status,
        title: title,
        type: "https://resilientsse.dev/problems/too-long");

    public static IResult Stopping(string detail) => Results.Problem(
        detail: detail,
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Server stopping",
        type: "https://resilientsse.dev/problems/stopping");

    public static IResult UnsupportedMediaType(string? contentType) => Results.Problem(
        detail: contentType is null
            ? "The request has no Content-Type; POST bodies must be application/json (UTF-8)."
            : $"Content-Type '{contentType}' is not accepted; POST bodies must be application/json (UTF-8).",
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported media type",
        type: "https://resilientsse.dev/problems/unsupported-media-type");

    public static IResult MisdirectedHost(string host, IEnumerable<string> allowed) => Results.Problem(
        detail: $"Host '{host}' is not a name this server answers to ({string.Join(", ", allowed)}); --allowed-host adds one.",
        statusCode: StatusCodes.Status421MisdirectedRequest,
        title: "Unknown host",
        type: "https://resilientsse.dev/problems/unknown-host");

    public static IResult CrossOrigin(string origin) => Results.Problem(
        detail: $"Origin '{origin}' is not this server's; requests that change state are not accepted from other sites.",
        statusCode: StatusCodes.Status403Forbidden,
        title: "Cross-origin request refused",
        type: "https://resilientsse.dev/problems/cross-origin");

    /// <summary>A problem for a status that routing or the server set without a body (404, 405, ...).</summary>
    public static IResult ForStatus(HttpContext context)
    {
        var request = context.Request;
        var status = context.Response.StatusCode;
        var path = request.Path.HasValue ? request.Path.Value : "/";
        return status switch
        {
            StatusCodes.Status404NotFound => Results.Problem(
                detail: $"No resource at '{path}'; the API serves /workflows and /workflow/executions[/{{id}}[/cancel|/stream]].",
                statusCode: status,
                title: "Not found",
                type: "https://resilientsse.dev/problems/not-found"),
            StatusCodes.Status405MethodNotAllowed => Results.Problem(
                detail: $"{request.Method} is not allowed on '{path}'; allowed: {(context.Response.Headers.Allow is { Count: > 0 } allow ? allow.ToString() : "none")}.",
                statusCode: status,
                title: "Method not allowed",
                type: "https://resilientsse.dev/problems/method-not-allowed"),
            _ => Results.Problem(
                detail: $"{request.Method} '{path}' was answered {status}.",
                statusCode: status,
                title: ReasonPhrase(status),
                type: "https://resilientsse.dev/problems/http-" + status.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>The answer to an exception nothing else caught: the server's own limits keep their 4xx, anything else is a logged 500.</summary>
    public static IResult ForException(Exception? exception) => exception switch
    {
        BadHttpRequestException bad => Results.Problem(
            detail: bad.Message,
            statusCode: bad.StatusCode,
            title: bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
            type: "https://resilientsse.dev/problems/bad-request"),
        _ => Results.Problem(
            detail: "The server failed while handling the request; the error is in its log.",
            statusCode: StatusCodes.Status500InternalServerError,
            title: "Unexpected server error",
            type: "https://resilientsse.dev/problems/unexpected"),
    };

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
