using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ResilientSse.Watcher.Commands;

/// <summary>Starts an execution: <c>POST /workflow/executions</c> (CONTRACT §1).</summary>
internal static class ExecutionStarter
{
    public static async Task<string> StartAsync(HttpClient http, Uri server, string workflowId, string? inputJson, CancellationToken cancellationToken)
    {
        // JsonEncodedText escapes without reflection, so the native (AOT) build stays warning-free.
        var body = $"{{\"workflowId\":\"{JsonEncodedText.Encode(workflowId)}\",\"input\":{inputJson ?? "{}"}}}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(server, "workflow/executions"), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new StartFailedException($"the server refused to start '{workflowId}': {(int)response.StatusCode} {ProblemDetail(text)}");
        }

        using var snapshot = JsonDocument.Parse(text);
        return snapshot.RootElement.GetProperty("id").GetString() ?? throw new StartFailedException("the server's answer has no execution id.");
    }

    /// <summary>Reads the stages a run will have from its input, when the workflow says so.</summary>
    public static int? ExpectedStages(string workflowId, string? inputJson)
    {
        if (workflowId == "quick")
        {
            return 3;
        }

        if (workflowId == "failing")
        {
            return 2;
        }

        if (workflowId != "very-long")
        {
            return null;
        }

        using var input = JsonDocument.Parse(inputJson ?? "{}");
        return input.RootElement.TryGetProperty("stages", out var stages) && stages.TryGetInt32(out var count) ? count : 10;
    }

    private static string ProblemDetail(string text)
    {
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? text : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
