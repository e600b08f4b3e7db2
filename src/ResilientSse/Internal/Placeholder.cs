namespace ResilientSse.Internal;

internal static class Placeholder
{
}
