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

BenchmarkSwitcher.FromAssembly(typeof(LoadHarness).Assembly).Run(args);
return 0;
