namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>
/// A fact that needs nginx (.ci/run installs it): skipped, saying why, where it is missing — except under CI=true,
/// where a missing nginx must fail the run instead of passing it quietly.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NginxFactAttribute : FactAttribute
{
    public NginxFactAttribute()
    {
        if (NginxProxy.FindExecutable() is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "nginx is not installed (apt-get install nginx-light; .ci/run does it).";
        }
    }
}
