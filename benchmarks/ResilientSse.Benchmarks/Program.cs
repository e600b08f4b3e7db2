using BenchmarkDotNet.Running;
using ResilientSse.Benchmarks;

// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- --filter '*'    (BenchmarkDotNet)
// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- load [watches] [stages]   (the load harness)
// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- cli [events] [runs] [tail|watch] [--strace]   (the CLI against a raw SseParser CLI)
if (args.Length > 0 && args[0] == "load")
{
    return await LoadHarness.RunAsync(args);
}

if (args.Length > 0 && args[0] == "cli")
{
    return await CliHarness.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadHarness).Assembly).Run(args);
return 0;
