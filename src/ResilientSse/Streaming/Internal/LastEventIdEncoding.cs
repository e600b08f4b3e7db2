using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace ResilientSse.Streaming.Internal;

/// <summary>
/// WHATWG sends the last event ID string as UTF-8, and an <c>id:</c> line may hold any character but NUL; .NET's
/// handlers send only ASCII header values unless told otherwise.
/// </summary>
internal static class LastEventIdEncoding
{
    public const string HeaderName = "Last-Event-ID";

    /// <summary>A <see cref="SocketsHttpHandler.RequestHeaderEncodingSelector"/> that sends <c>Last-Event-ID</c> as UTF-8.</summary>
    public static Encoding? Select(string headerName, HttpRequestMessage request) =>
        string.Equals(headerName, HeaderName, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null;

    /// <summary>Lets a <see cref="SocketsHttpHandler"/> that has no header encoding of its own send <c>Last-Event-ID</c> as UTF-8.</summary>
    public static void Configure(HttpMessageHandler handler)
    {
        if (handler is SocketsHttpHandler { RequestHeaderEncodingSelector: null } sockets)
        {
            sockets.RequestHeaderEncodingSelector = Select;
        }
    }

    /// <summary>
    /// Configures the named client's primary handler with <see cref="Configure"/> after every other configuration, so
    /// that a primary handler the user sets on the returned builder is the one configured.
    /// </summary>
    public static IHttpClientBuilder SendLastEventIdAsUtf8(this IHttpClientBuilder builder)
    {
        builder.Services.PostConfigure<HttpClientFactoryOptions>(builder.Name,
            options => options.HttpMessageHandlerBuilderActions.Add(handlers => Configure(handlers.PrimaryHandler)));
        return builder;
    }

    /// <summary>The first request header whose value is not ASCII, if any.</summary>
    public static string? FirstNonAsciiHeader(HttpRequestMessage request)
    {
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            foreach (var value in values)
            {
                if (!Ascii.IsValid(value))
                {
                    return name;
                }
            }
        }

        return null;
    }
}
