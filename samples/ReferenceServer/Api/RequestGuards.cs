using System.Net;
using Microsoft.Net.Http.Headers;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>
/// Refusals that apply to every route, before it runs: a request target over 8 KiB (414) or headers over 32 KiB (431),
/// a <c>Host</c> the server does not answer to (421), a state-changing request from another site's page (403), a POST
/// body that is not <c>application/json</c> (415), and a declared body above the limit (413). Each is problem+json
/// that names the problem.
/// </summary>
internal sealed class RequestGuards
{
    /// <summary>The longest request target (path and query) answered; Kestrel's own limit is set above it (<see cref="KestrelHeadroom"/>).</summary>
    public const int MaxRequestTargetBytes = 8 * 1024;

    /// <summary>The most header bytes answered (names, values, and 4 bytes of separators per field).</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>
    /// How many times the limits above Kestrel's own are set, so that a request between the two gets a problem+json
    /// from these guards; only one beyond Kestrel's gets its bodiless 414/431.
    /// </summary>
    public const int KestrelHeadroom = 4;

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
        var target = request.Path.ToUriComponent().Length + request.QueryString.Value?.Length ?? 0;
        if (target > MaxRequestTargetBytes)
        {
            return Problems.TooLong(StatusCodes.Status414UriTooLong, "Request target too long", $"The request target is {target} bytes; at most {MaxRequestTargetBytes} are answered.");
        }

        var headers = request.Headers.Sum(h => h.Key.Length + h.Value.Sum(v => (v?.Length ?? 0) + 4));
        if (headers > MaxHeaderBytes)
        {
            return Problems.TooLong(StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers too large", $"The request's headers are {headers} bytes; at most {MaxHeaderBytes} are answered.");
        }

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
