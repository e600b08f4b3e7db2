using BenchmarkDotNet.Running;
using ResilientSse.Benchmarks;

// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- --filter '*'    (BenchmarkDotNet)
// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- load [watches] [stages]   (the load harness)
// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- idle [watches] [http1|http2] [addresses]   (idle watches)
// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- protocols [watches] [stages] [rounds]   (HTTP/1.1 vs HTTP/2)
if (args.Length > 0 && args[0] == ProtocolHarness.Mode)
{
    return await ProtocolHarness.RunAsync(args);
}

if (args.Length > 0 && args[0] is IdleHarness.Mode or IdleHarness.ServerMode)
{
    return await IdleHarness.RunAsync(args);
}

if (args.Length > 0 && args[0] == "load")
{
    return await LoadHarness.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadHarness).Assembly).Run(args);
return 0;
