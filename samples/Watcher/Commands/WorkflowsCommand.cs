using System.Text.Json;
using ResilientSse.Watcher.Output;

namespace ResilientSse.Watcher.Commands;

/// <summary><c>workflows</c>: lists the server's workflows and the input fields each reads (<c>GET /workflows</c>, CONTRACT §1).</summary>
internal static class WorkflowsCommand
{
    public static async Task<int> RunAsync(WatchSettings settings, Uri server, TextWriter stdout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var budget = GiveUpPolicy.From(settings, TimeSpan.MaxValue).FirstContact;
        deadline.CancelAfter(budget);
        string text;
        try
        {
            using var response = await http.GetAsync(new Uri(server, "workflows"), deadline.Token);
            text = await response.Content.ReadAsStringAsync(deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new UnexpectedAnswerException($"{TroubleText.Authority(server)} answered {(int)response.StatusCode} for GET /workflows");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UnexpectedAnswerException($"{TroubleText.Authority(server)} did not answer GET /workflows within {Duration.Format(budget)}");
        }

        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new UnexpectedAnswerException($"{TroubleText.Authority(server)} answered GET /workflows with something other than a JSON array");
        }

        foreach (var workflow in document.RootElement.EnumerateArray())
        {
            stdout.WriteLine(settings.Format == "jsonl" ? JsonLines.FormatElement(workflow) : Describe(workflow));
        }

        return ExitCodes.Completed;
    }

    /// <summary>Two lines: the id, name and description; then the input fields with their defaults.</summary>
    private static string Describe(JsonElement workflow)
    {
        var id = String(workflow, "id") ?? "?";
        var name = String(workflow, "name");
        var description = String(workflow, "description");
        var inputs = workflow.TryGetProperty("inputs", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.GetArrayLength() == 0
                ? "none"
                : string.Join(", ", list.EnumerateArray().Select(i => $"{String(i, "name")} ({String(i, "description")}, default {(i.TryGetProperty("default", out var d) ? d.GetRawText() : "none")})"))
            : "not listed by the server";
        return $"{id,-12}{name}{(description is null ? string.Empty : ": " + description)}\n{string.Empty,-12}input: {inputs}";
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
