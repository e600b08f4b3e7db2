namespace ResilientSse.ReferenceServer.Engine;

/// <summary>A request's input is malformed or out of range: answered 400, naming <see cref="Field"/>.</summary>
internal sealed class InputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
