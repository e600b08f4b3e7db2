using ResilientSse.Watcher;
using ResilientSse.Watcher.Output;

// Event lines are batched on stdout and written out whenever the stream goes quiet, before anything on stderr, and
// at the end: every path out of RunAsync (an exit code, Ctrl+C's 130, an exception) passes the Dispose that flushes.
using var stdout = new BufferedStdout(Console.OpenStandardOutput(), Console.OutputEncoding);
return await WatcherApp.RunAsync(args, stdout, new StderrAfterStdout(Console.Error, stdout));
