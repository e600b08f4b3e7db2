namespace ResilientSse.ReferenceServer.Engine;

/// <summary>An input field a workflow reads: its name, what it means, and the value used when it is absent.</summary>
internal sealed record WorkflowInput(string Name, string Description, int Default);
