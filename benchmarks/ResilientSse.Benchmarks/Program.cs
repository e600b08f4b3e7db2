using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/ResilientSse.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
