using BenchmarkDotNet.Running;
using ResilientSse.Benchmarks;

// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- --filter '*'    (BenchmarkDotNet)
// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- load [watches] [stages]   (the load harness)
// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- fanout [1,100,1000] [stages]   (fan-out delay)
if (args.Length > 0 && args[0] == "load")
{
    return await LoadHarness.RunAsync(args);
}

if (args.Length > 0 && args[0] == "fanout")
{
    return await FanOutHarness.RunAsync(args);
}

// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- throughput [events] [rounds]   (events/s over loopback)
if (args.Length > 0 && args[0] == "throughput")
{
    return await ThroughputHarness.RunAsync(args);
}

if (args.Length > 0 && args[0] == "serve-fixture")
{
    return await FixtureServer.ServeAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadHarness).Assembly).Run(args);
return 0;
