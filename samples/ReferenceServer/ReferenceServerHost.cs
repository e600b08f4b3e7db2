using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ResilientSse.ReferenceServer.Api;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Redis;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer;

/// <summary>
/// The reference server, started in-process: for tests, the console's <c>demo</c>, and <c>Program</c>.
/// <code>await using var server = await ReferenceServerHost.StartAsync(new() { Urls = "http://127.0.0.1:0", Store = ReferenceStoreKind.Memory });</code>
/// </summary>
public sealed class ReferenceServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ExecutionEngine _engine;
    private int _disposed;

    private ReferenceServerHost(WebApplication app, ReferenceServerOptions options, Uri baseAddress, int interrupted)
    {
        _app = app;
        Options = options;
        BaseAddress = baseAddress;
        InterruptedAtStart = interrupted;
        _engine = app.Services.GetRequiredService<ExecutionEngine>();
    }

    /// <summary>Gets the address the server listens on, with a trailing slash (the actual port when port 0 was asked for).</summary>
    public Uri BaseAddress { get; }

    /// <summary>
    /// Gets the first h2c address (<see cref="ReferenceServerOptions.Http2Urls"/>) with a trailing slash and the actual
    /// port; <see langword="null"/> without one. Clients reach it with HTTP/2 requested exactly (prior knowledge).
    /// </summary>
    public Uri? Http2BaseAddress { get; private init; }

    /// <summary>Gets the options the server runs with.</summary>
    public ReferenceServerOptions Options { get; }

    /// <summary>Gets the server's services (tests reach the engine through them).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>Gets how many executions left running by a previous server were ended at start-up.</summary>
    public int InterruptedAtStart { get; }

    /// <summary>Starts a server with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every error.</exception>
    public static async Task<ReferenceServerHost> StartAsync(ReferenceServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid reference server options: " + string.Join(" ", errors), nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ReferenceServerHost).Assembly.GetName().Name });
        IReadOnlyList<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> http2 = [];
        if (string.IsNullOrWhiteSpace(options.Http2Urls))
        {
            builder.WebHost.UseUrls(options.Urls);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestLineSize = RequestGuards.MaxRequestTargetBytes * RequestGuards.KestrelHeadroom;
            kestrel.Limits.MaxRequestHeadersTotalSize = RequestGuards.MaxHeaderBytes * RequestGuards.KestrelHeadroom;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.Http2MaxStreamsPerConnection;
            if (!string.IsNullOrWhiteSpace(options.Http2Urls))
            {
                http2 = Listeners.Bind(kestrel, options);
            }
        });
        builder.Logging.ClearProviders();
        // Only what nobody answered for: an exception the API did not turn into a problem, or one Kestrel saw.
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        builder.Logging.AddFilter(StreamLog.Category, options.RequestLog ? LogLevel.Information : LogLevel.None);
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(options);
        // Connected here, before the host starts: a Redis that cannot be reached stops the start with its reason.
        var redis = options.Store == ReferenceStoreKind.Redis
            ? await RedisExecutionStore.ConnectAsync(options.Redis!, options.RedisKeyPrefix, NodeId(), options.LeaseTime).ConfigureAwait(false)
            : null;
        AddStore(builder.Services, options, redis);
        builder.Services.AddSingleton<ExecutionHub>();
        builder.Services.AddSingleton<ExecutionEngine>();
        builder.Services.AddSingleton<WorkflowCatalog>();
        builder.Services.AddSingleton(new FaultInjector(options.Faults));
        builder.Services.AddSingleton(new RequestGuards(options));

        var app = builder.Build();
        try
        {
            UseErrorAnswers(app);
            ExecutionApi.Map(app);
            var interrupted = await app.Services.GetRequiredService<ExecutionEngine>().EndInterruptedAsync(cancellationToken).ConfigureAwait(false);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new ReferenceServerHost(app, options, new Uri(address.TrimEnd('/') + "/"), interrupted)
            {
                Http2BaseAddress = http2.Count > 0 ? Listeners.AddressOf(http2[0]) : null,
            };
        }
        catch
        {
            // A refused start (the port taken, the database owned by another server) releases what it took: the
            // container disposes the store and with it the database's owner lock.
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string NodeId() => $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    private static void AddStore(IServiceCollection services, ReferenceServerOptions options, RedisExecutionStore? redis)
    {
        switch (options.Store)
        {
            case ReferenceStoreKind.Memory:
                services.AddSingleton<IExecutionStore>(_ => new MemoryExecutionStore());
                break;
            case ReferenceStoreKind.Sqlite:
                services.AddSingleton<IExecutionStore>(_ => new SqliteExecutionStore(options.DatabasePath));
                break;
            default:
                ArgumentNullException.ThrowIfNull(redis);

                // The store is asynchronous: a request waiting on Redis holds no thread, so the pool's defaults serve
                // thousands of streams. Registered through factories, so that the container disposes the store (and its connection) with the host.
                services.AddSingleton(_ => redis);
                services.AddSingleton<IExecutionStore>(sp => sp.GetRequiredService<RedisExecutionStore>());
                services.AddSingleton(sp => new RedisEventRelay(redis, sp.GetRequiredService<ExecutionHub>(), TimeProvider.System, sp.GetRequiredService<ILogger<RedisEventRelay>>()));
                services.AddHostedService(sp => sp.GetRequiredService<RedisEventRelay>());
                services.AddSingleton(sp => new RedisLeaseKeeper(redis, sp.GetRequiredService<ExecutionEngine>(), options, TimeProvider.System, sp.GetRequiredService<ILogger<RedisLeaseKeeper>>()));
                services.AddHostedService(sp => sp.GetRequiredService<RedisLeaseKeeper>());
                break;
        }
    }

    /// <summary>
    /// Every error the pipeline answers is problem+json: an exception nothing caught (logged, 500 unless it is the
    /// server's own 4xx), a status routing set without a body (404, 405), and the guards' refusals. Kestrel's own
    /// answers to requests it cannot parse (400, 414, 431) are written before the pipeline runs and stay bodiless.
    /// </summary>
    private static void UseErrorAnswers(WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => Problems.ForException(context.Features.Get<IExceptionHandlerFeature>()?.Error).ExecuteAsync(context),
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages(context => Problems.ForStatus(context.HttpContext).ExecuteAsync(context.HttpContext));
        var guards = app.Services.GetRequiredService<RequestGuards>();
        app.Use(guards.InvokeAsync);
    }

    /// <summary>Waits until the host is shut down (Ctrl-C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting requests, ends open streams, and stops running executions (they stay "running" in the store).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        await _engine.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        // The container disposes the store.
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
