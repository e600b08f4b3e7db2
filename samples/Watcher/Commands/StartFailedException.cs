namespace ResilientSse.Watcher.Commands;

/// <summary>The server would not start an execution.</summary>
internal sealed class StartFailedException(string message) : Exception(message);
