namespace ResilientSse.IntegrationTests.TestSupport;

/// <summary>A fact that needs nginx on the PATH (.ci/run installs it); skipped, saying why, where it is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NginxFactAttribute : FactAttribute
{
    public NginxFactAttribute()
    {
        if (NginxProxy.FindExecutable() is null)
        {
            Skip = "nginx is not installed (apt-get install nginx-light; .ci/run does it).";
        }
    }
}
