using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ResilientSse.ReferenceServer;

/// <summary>
/// Binds the server's addresses one by one when some speak HTTP/2 without TLS (h2c): those of
/// <see cref="ReferenceServerOptions.Urls"/> keep Kestrel's default protocols (HTTP/1.1 over cleartext), those of
/// <see cref="ReferenceServerOptions.Http2Urls"/> speak HTTP/2 only, with prior knowledge as cleartext HTTP/2 requires.
/// </summary>
internal static class Listeners
{
    /// <summary>Binds every address on <paramref name="kestrel"/>; returns the h2c ones (their ports known once started).</summary>
    public static IReadOnlyList<ListenOptions> Bind(KestrelServerOptions kestrel, ReferenceServerOptions options)
    {
        foreach (var url in Split(options.Urls))
        {
            Listen(kestrel, url, _ => { });
        }

        var http2 = new List<ListenOptions>();
        foreach (var url in Split(options.Http2Urls))
        {
            Listen(kestrel, url, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                http2.Add(listen);
            });
        }

        return http2;
    }

    /// <summary>Splits a <c>;</c>-separated list of addresses.</summary>
    public static string[] Split(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The address a started h2c endpoint answers on, with a trailing slash.</summary>
    public static Uri AddressOf(ListenOptions listen) => new($"http://{listen.IPEndPoint}/");

    private static void Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        var address = BindingAddress.Parse(url);
        if (address.Host == "localhost")
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, address.Port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(address.Port, configure);
        }
    }
}
