namespace ResilientSse.Watcher.Commands;

/// <summary>The server answered a plain request with an error or with something that is not what the contract says.</summary>
internal sealed class UnexpectedAnswerException(string message) : Exception(message);
