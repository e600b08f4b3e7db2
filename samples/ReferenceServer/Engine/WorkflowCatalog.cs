using System.Text.Json;

namespace ResilientSse.ReferenceServer.Engine;

/// <summary>The reference server's built-in workflows (CONTRACT §1) and the validation of their input.</summary>
internal sealed class WorkflowCatalog(ReferenceServerOptions options)
{
    public static readonly IReadOnlyList<WorkflowDefinition> Definitions =
    [
        new("quick", "Quick Workflow", "3 stages of 50 ms; completes.", []),
        new("very-long", "Very Long Workflow", "'stages' stages (default 10) of 'delayMs' each (default 10000 ms); completes.",
        [
            new("stages", "the number of stages", 10),
            new("delayMs", "each stage's length in milliseconds", 10_000),
        ]),
        new("failing", "Failing Workflow", "2 stages; the second fails, ending with workflow.failed.", []),
    ];

    /// <summary>Builds the plan of <paramref name="workflowId"/>; null when the workflow is unknown.</summary>
    /// <exception cref="InputException">The input is malformed or out of range; the message names the field.</exception>
    public WorkflowPlan? Plan(string workflowId, JsonElement? input)
    {
        if (input is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            throw new InputException("input", "'input' must be a JSON object.");
        }

        return workflowId switch
        {
            "quick" => new WorkflowPlan(3, 50, null),
            "failing" => new WorkflowPlan(2, 50, 2),
            "very-long" => new WorkflowPlan(
                ReadInt(input, "stages", 10, 1, options.MaxStages),
                ReadInt(input, "delayMs", 10_000, 0, options.MaxDelayMs),
                null),
            _ => null,
        };
    }

    private static int ReadInt(JsonElement? input, string name, int fallback, int minimum, int maximum)
    {
        if (input is not { ValueKind: JsonValueKind.Object } value || !value.TryGetProperty(name, out var field) || field.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (field.ValueKind != JsonValueKind.Number || !field.TryGetInt32(out var number))
        {
            throw new InputException($"input.{name}", $"'input.{name}' must be a whole number between {minimum} and {maximum}.");
        }

        if (number < minimum || number > maximum)
        {
            throw new InputException($"input.{name}", $"'input.{name}' ({number}) must be between {minimum} and {maximum}.");
        }

        return number;
    }
}
