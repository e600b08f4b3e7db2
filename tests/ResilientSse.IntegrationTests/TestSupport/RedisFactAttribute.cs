using ResilientSse.Testing;

namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// A fact that needs redis-server (.ci/run installs it): skipped, saying why, where it is missing — except under
/// CI=true, where a missing redis-server must fail the run instead of passing it quietly.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
