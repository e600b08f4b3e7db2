using BenchmarkDotNet.Running;
using ResilientSse.Benchmarks;

// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- --filter '*'    (BenchmarkDotNet)
// … -- load [watches] [stages] [all|incident] [child]         the load harness: loss, reconnects, ending latency
// … -- fanout [1,100,1000] [stages] [--redis-nodes 3] [--gc]  fan-out delay and CPU per delivery (one node, or Redis nodes)
// … -- throughput [events] [rounds]                           SseClient against HttpClient + SseParser, events/s
// … -- cli [events] [runs] [tail|watch] [--strace]            the CLI against a raw SseParser CLI
// … -- idle [watches] [http1|http2] [addresses] [cut]         idle watches: memory per watch, threads, CPU
// … -- storm [watches] [endings]                             a reconnect storm: how the governor spreads it
// … -- protocols [watches] [stages] [rounds]                  HTTP/1.1 against HTTP/2, events/s
// benchmarks/RESULTS.md has every figure with the command that reproduces it.
return args.FirstOrDefault() switch
{
    ProtocolHarness.Mode => await ProtocolHarness.RunAsync(args),
    IdleHarness.Mode or IdleHarness.ServerMode => await IdleHarness.RunAsync(args),
    StormHarness.Mode => await StormHarness.RunAsync(args),
    "load" => await LoadHarness.RunAsync(args),
    "fanout" => await FanOutHarness.RunAsync(args),
    "throughput" => await ThroughputHarness.RunAsync(args),
    "serve-fixture" => await FixtureServer.ServeAsync(args),
    "cli" => await CliHarness.RunAsync(args),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(LoadHarness).Assembly).Run(args);
    return 0;
}
