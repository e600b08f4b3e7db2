namespace ResilientSse.ReferenceServer.Engine;

/// <summary>A built-in workflow, with the input fields it reads (all optional).</summary>
internal sealed record WorkflowDefinition(string Id, string Name, string Description, IReadOnlyList<WorkflowInput> Inputs);

/// <summary>A run's plan, from a workflow and its input: <see cref="Stages"/> stages of <see cref="DelayMs"/> each; <see cref="FailingStage"/> (1-based) fails, if set.</summary>
internal sealed record WorkflowPlan(int Stages, int DelayMs, int? FailingStage);
