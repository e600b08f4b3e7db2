using System.Net;
using Microsoft.Net.Http.Headers;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>
/// Refusals that apply to every route, before it runs: a <c>Host</c> the server does not answer to (421), a
/// state-changing request from another site's page (403), a POST body that is not <c>application/json</c> (415),
/// and a declared body above the limit (413). Each is problem+json that names the problem.
/// </summary>
internal sealed class RequestGuards
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "::1"];

    private readonly HashSet<string>? _allowedHosts;
    private readonly long _maxBodyBytes;

    public RequestGuards(ReferenceServerOptions options)
    {
        _maxBodyBytes = options.MaxRequestBodyBytes;
        _allowedHosts = AllowedHosts(options);
    }

    /// <summary>Gets the host names requests may carry, or null when any is accepted.</summary>
    public IReadOnlySet<string>? Hosts => _allowedHosts;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Refusal(context.Request) is { } problem)
        {
            await problem.ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private IResult? Refusal(HttpRequest request)
    {
        // The port is not compared: a proxy in front of the server names its own port, and a rebound DNS name
        // (the attack this check stops) differs in the name, not the port.
        var host = NormalizeHost(request.Host.Host);
        if (_allowedHosts is not null && host.Length > 0 && !_allowedHosts.Contains(host))
        {
            return Problems.MisdirectedHost(request.Host.Value ?? "", _allowedHosts.Order(StringComparer.Ordinal));
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && request.Headers.Origin is { Count: > 0 } origin && !IsOwnOrigin(origin.ToString(), host))
        {
            return Problems.CrossOrigin(origin.ToString());
        }

        if (request.ContentLength > _maxBodyBytes)
        {
            return Problems.TooLarge(_maxBodyBytes);
        }

        if (HttpMethods.IsPost(request.Method) && (request.ContentType is not null || HasBody(request)) && !IsJson(request.ContentType))
        {
            return Problems.UnsupportedMediaType(request.ContentType);
        }

        return null;
    }

    /// <summary>Gets whether <paramref name="contentType"/> is <c>application/json</c> in UTF-8 (the charset may be omitted).</summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private bool IsOwnOrigin(string origin, string host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && NormalizeHost(uri.Host) is var originHost
        && (originHost == host || (_allowedHosts is not null && _allowedHosts.Contains(originHost)));

    private static string NormalizeHost(string host) => host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    private static HashSet<string>? AllowedHosts(ReferenceServerOptions options)
    {
        if (options.AllowedHosts.Contains("*"))
        {
            return null;
        }

        var bound = Listeners.Split(options.Urls).Concat(Listeners.Split(options.Http2Urls))
            .Select(url => NormalizeHost(BindingAddress.Parse(url).Host))
            .ToList();
        var loopback = bound.All(h => h == "localhost" || (IPAddress.TryParse(h, out var address) && IPAddress.IsLoopback(address)));
        if (!loopback && options.AllowedHosts.Count == 0)
        {
            return null;
        }

        var hosts = new HashSet<string>(StringComparer.Ordinal);
        hosts.UnionWith(bound.Where(h => h is not ("*" or "+" or "0.0.0.0" or "::")));
        hosts.UnionWith(options.AllowedHosts.Select(NormalizeHost));
        if (loopback)
        {
            hosts.UnionWith(LoopbackNames);
        }

        return hosts;
    }
}
