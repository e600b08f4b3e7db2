using ResilientSse.IntegrationTests.TestSupport;
using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary><c>--max-live</c> on the SQLite store, in a file of the test's own.</summary>
public sealed class SqliteMaxLiveTests : MaxLiveTests, IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("resilientsse-maxlive-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private protected override Task<ReferenceServerHost> StartServerAsync(Action<ReferenceServerOptions> configure) => ReferenceServers.StartAsync(o =>
    {
        o.Store = ReferenceStoreKind.Sqlite;
        o.DatabasePath = Path.Combine(_directory.FullName, "executions.db");
        configure(o);
    });
}
