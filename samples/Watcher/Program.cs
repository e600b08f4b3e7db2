using ResilientSse.Watcher;

return await WatcherApp.RunAsync(args, Console.Out, Console.Error);
