using System.Text.Json;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>
/// Finds text in a parsed JSON document that cannot become a .NET string: the parser accepts an escaped lone
/// surrogate (<c>"\ud800"</c>), and reading it later would throw in the middle of handling the request.
/// </summary>
internal static class JsonText
{
    private const int MaxDepth = 64;

    /// <summary>Returns the path (<c>body</c>, <c>workflowId</c>, <c>input.stages</c>) of the first such string or property name, or null.</summary>
    public static string? FirstInvalidString(JsonElement root) => Find(root, null, 0);

    private static string? Find(JsonElement element, string? path, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return CanRead(() => element.GetString()) ? null : path ?? "body";
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path ?? "body";
                    }

                    if (Find(property.Value, path is null ? name : path + "." + name, depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path ?? "body"}[{index++}]", depth + 1) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool CanRead(Func<string?> read)
    {
        try
        {
            _ = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
