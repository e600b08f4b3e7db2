using System.Net;
using System.Net.Sockets;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ResilientSse.ContractTests.TestSupport;

/// <summary>
/// A WireMock.Net server on 127.0.0.1 that answers each path from a script: the i-th request gets the i-th
/// response, the last one repeating (built on WireMock scenarios).
/// </summary>
internal sealed class ScriptedServer : IDisposable
{
    private readonly WireMockServer _server;

    public ScriptedServer()
    {
        _server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
        BaseAddress = new Uri($"http://127.0.0.1:{_server.Ports[0]}/");
    }

    public Uri BaseAddress { get; }

    public ScriptedServer On(string path, params IResponseBuilder[] steps)
    {
        if (steps.Length == 1)
        {
            // WireMock.Net fails (500) on a scenario that never sets a state; one step needs none.
            _server.Given(Request.Create().WithPath(path).UsingGet()).RespondWith(steps[0]);
            return this;
        }

        var scenario = "script " + path;
        for (var i = 0; i < steps.Length; i++)
        {
            var mapping = _server.Given(Request.Create().WithPath(path).UsingGet()).InScenario(scenario);
            mapping = i == 0 ? mapping : mapping.WhenStateIs($"step {i}");
            if (i < steps.Length - 1)
            {
                mapping = mapping.WillSetStateTo($"step {i + 1}");
            }

            mapping.RespondWith(steps[i]);
        }

        return this;
    }

    /// <summary>The requests made to <paramref name="path"/>, in order.</summary>
    public IReadOnlyList<ILogEntry> RequestsTo(string path) =>
        _server.LogEntries.Where(e => e.RequestMessage.Path == path).OrderBy(e => e.RequestMessage.DateTime).ToList();

    /// <summary>The <c>Last-Event-ID</c> header a logged request carried, or null.</summary>
    public static string? LastEventIdOf(ILogEntry entry) =>
        entry.RequestMessage.Headers is { } headers && headers.TryGetValue("Last-Event-ID", out var values) && values.Count > 0 ? values[0] : null;

    public static IResponseBuilder Sse(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/event-stream").WithBody(body);

    public static IResponseBuilder Json(string json, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(json);

    public static IResponseBuilder Status(int status) => Response.Create().WithStatusCode(status);

    public void Dispose() => _server.Stop();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
