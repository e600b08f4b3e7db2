using System.Text.Json;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>An <c>application/json</c> answer written directly with a <see cref="Utf8JsonWriter"/>.</summary>
internal sealed class JsonResult(Action<Utf8JsonWriter> write, int statusCode = StatusCodes.Status200OK, string? location = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        if (location is not null)
        {
            response.Headers.Location = location;
        }

        await using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            write(writer);
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
