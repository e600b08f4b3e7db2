using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ResilientSse.ReferenceServer.Api;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>What the reference server answers for an exception that nothing else caught.</summary>
public sealed class ProblemsTests
{
    [Fact]
    public async Task ForException_Unexpected_Is500ProblemThatSaysItIsLogged()
    {
        var (status, contentType, body) = await ExecuteAsync(Problems.ForException(new InvalidOperationException("boom")));

        Assert.Equal(500, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("Unexpected server error", body, StringComparison.Ordinal);
        Assert.Contains("log", body, StringComparison.Ordinal);
        Assert.DoesNotContain("boom", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForException_ServersOwnBadRequest_KeepsItsStatus()
    {
        var (status, contentType, body) = await ExecuteAsync(Problems.ForException(new BadHttpRequestException("Request body too large.", 413)));

        Assert.Equal(413, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("Request body too large", body, StringComparison.Ordinal);
    }

    private static async Task<(int Status, string? ContentType, string Body)> ExecuteAsync(IResult result)
    {
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        using var body = new MemoryStream();
        context.Response.Body = body;

        await result.ExecuteAsync(context);

        return (context.Response.StatusCode, context.Response.ContentType?.Split(';')[0], System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
