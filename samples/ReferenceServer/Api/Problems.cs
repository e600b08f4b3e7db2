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
}
