using ResilientSse.ReferenceServer;

var (options, error) = CommandLine.Parse(args, out var help);
if (help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (options is null)
{
    Console.Error.WriteLine($"reference-server: {error}");
    return 2;
}

ReferenceServerHost started;
try
{
    started = await ReferenceServerHost.StartAsync(options);
}
catch (ResilientSse.ReferenceServer.Store.DatabaseInUseException ex)
{
    Console.Error.WriteLine($"reference-server: {ex.Message}");
    return 1;
}
catch (StackExchange.Redis.RedisConnectionException ex)
{
    Console.Error.WriteLine($"reference-server: cannot reach Redis at {options.Redis}: {ex.Message}");
    return 1;
}

await using var server = started;
Console.WriteLine($"Reference server listening on {server.BaseAddress} ({options.Store} store{options.Store switch { ReferenceStoreKind.Sqlite => " " + Path.GetFullPath(options.DatabasePath), ReferenceStoreKind.Redis => " " + options.Redis, _ => "" }}).");
if (server.InterruptedAtStart > 0)
{
    Console.WriteLine($"Ended {server.InterruptedAtStart} execution(s) left running by the previous server (workflow.failed: interrupted by server restart).");
}

if (options.Faults.Any)
{
    Console.WriteLine("Faults are on: --help describes them.");
}

Console.WriteLine("Press Ctrl-C to stop.");
await server.WaitForShutdownAsync();
return 0;
