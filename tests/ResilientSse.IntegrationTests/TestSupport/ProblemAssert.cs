using System.Net;
using System.Text.Json;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>What every error answer of the reference server must be: its status, <c>application/problem+json</c>, a title and detail that name the problem.</summary>
internal static class ProblemAssert
{
    /// <summary>Asserts <paramref name="response"/> is a <paramref name="status"/> problem whose title or detail mentions <paramref name="mention"/>; returns the problem.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string mention)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        var said = problem.GetProperty("title").GetString() + " " + problem.GetProperty("detail").GetString();
        Assert.True(said.Contains(mention, StringComparison.OrdinalIgnoreCase), $"'{said}' does not mention '{mention}'");
        return problem;
    }

    /// <summary>Asserts a raw answer is a <paramref name="status"/> problem whose title or detail mentions any of <paramref name="anyOf"/>.</summary>
    public static void AssertRawProblem(RawHttp.Answer answer, int status, params string[] anyOf)
    {
        Assert.True(status == answer.Status, $"expected {status}, got {answer.Status}: {answer.Body}");
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(answer.Body);
        var said = document.RootElement.GetProperty("title").GetString() + " " + document.RootElement.GetProperty("detail").GetString();
        Assert.True(anyOf.Any(m => said.Contains(m, StringComparison.OrdinalIgnoreCase)), $"'{said}' mentions none of {string.Join(", ", anyOf)}");
    }
}
