using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ResilientSse.ReferenceServer.Store;

/// <summary>
/// The SQLite store: one file, created with its tables on first use; executions and logs survive restarts.
/// One connection, used under a lock: the reference server's load is small and correctness comes first.
/// One server owns the file at a time (<see cref="DatabaseOwnerLock"/>).
/// </summary>
/// <remarks>
/// Every call runs synchronously and returns a completed task: SQLite has no asynchronous I/O, and
/// Microsoft.Data.Sqlite's async methods run synchronously too (its documentation says to avoid them), so calling them
/// would only add a task per call. A call holds its thread for a local file access, not for a network round trip.
/// </remarks>
internal sealed class SqliteExecutionStore : SynchronousExecutionStore
{
    private const string Columns = "id, workflow_id, status, started_at, completed_at, execution_time, last_event_id, output, error";

    private readonly Lock _lock = new();
    private readonly DatabaseOwnerLock _owner;
    private readonly SqliteConnection _connection;

    /// <exception cref="DatabaseInUseException">Another server (this process or another) has the file.</exception>
    public SqliteExecutionStore(string path)
    {
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);

        // Taken before the file is opened: a second server must not touch (nor "end as interrupted") the first one's runs.
        _owner = DatabaseOwnerLock.Acquire(fullPath);
        try
        {
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = false }.ToString());
            _connection.Open();
        }
        catch
        {
            _owner.Dispose();
            throw;
        }

        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS executions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                workflow_id TEXT NOT NULL,
                status TEXT NOT NULL,
                started_at TEXT NOT NULL,
                completed_at TEXT NULL,
                execution_time INTEGER NULL,
                last_event_id INTEGER NOT NULL,
                output TEXT NULL,
                error TEXT NULL);
            CREATE TABLE IF NOT EXISTS events (
                execution_id TEXT NOT NULL,
                id INTEGER NOT NULL,
                type TEXT NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (execution_id, id));
            """);
    }

    protected override void Create(ExecutionRecord execution, StoredEvent started)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using (var command = Command($"INSERT INTO executions ({Columns}) VALUES ($id, $workflow, $status, $started, $completed, $time, $last, $output, $error)"))
            {
                command.Transaction = transaction;
                Bind(command, execution);
                command.ExecuteNonQuery();
            }

            InsertEvent(transaction, execution.Id, started);
            transaction.Commit();
        }
    }

    protected override ExecutionRecord? Get(string id)
    {
        lock (_lock)
        {
            using var command = Command($"SELECT {Columns} FROM executions WHERE id = $id");
            command.Parameters.AddWithValue("$id", id);
            return ReadRecords(command).FirstOrDefault();
        }
    }

    protected override IReadOnlyList<ExecutionRecord> List()
    {
        lock (_lock)
        {
            using var command = Command($"SELECT {Columns} FROM executions ORDER BY seq DESC");
            return ReadRecords(command);
        }
    }

    protected override IReadOnlyList<ExecutionRecord> ListUnfinished()
    {
        lock (_lock)
        {
            using var command = Command($"SELECT {Columns} FROM executions WHERE status NOT IN ('completed', 'failed', 'cancelled') ORDER BY seq");
            return ReadRecords(command);
        }
    }

    protected override void Append(StoredEvent stored, ExecutionRecord updated)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using (var check = Command($"SELECT {Columns} FROM executions WHERE id = $id"))
            {
                check.Transaction = transaction;
                check.Parameters.AddWithValue("$id", updated.Id);
                var current = ReadRecords(check).FirstOrDefault() ?? throw new KeyNotFoundException($"No execution has the id '{updated.Id}'.");
                if (current.IsTerminal || stored.Id != current.LastEventId + 1)
                {
                    throw new AppendConflictException(updated.Id, stored.Id, current.IsTerminal ? "the execution has ended" : "it is not the next id of the log");
                }
            }

            InsertEvent(transaction, updated.Id, stored);

            using (var update = Command("""
                UPDATE executions SET status = $status, started_at = $started, completed_at = $completed, execution_time = $time,
                    last_event_id = $last, output = $output, error = $error WHERE id = $id
                """))
            {
                update.Transaction = transaction;
                Bind(update, updated);
                update.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    protected override IReadOnlyList<StoredEvent> ReadAfter(string id, long after)
    {
        lock (_lock)
        {
            using var command = Command("SELECT id, type, data FROM events WHERE execution_id = $id AND id > $after ORDER BY id");
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$after", after);
            using var reader = command.ExecuteReader();
            var events = new List<StoredEvent>();
            while (reader.Read())
            {
                events.Add(new StoredEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
            }

            return events;
        }
    }

    public override void Dispose()
    {
        _connection.Dispose();
        _owner.Dispose();
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private void InsertEvent(SqliteTransaction transaction, string executionId, StoredEvent stored)
    {
        using var insert = Command("INSERT INTO events (execution_id, id, type, data) VALUES ($execution, $id, $type, $data)");
        insert.Transaction = transaction;
        insert.Parameters.AddWithValue("$execution", executionId);
        insert.Parameters.AddWithValue("$id", stored.Id);
        insert.Parameters.AddWithValue("$type", stored.Type);
        insert.Parameters.AddWithValue("$data", stored.Data);
        insert.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand command, ExecutionRecord execution)
    {
        command.Parameters.AddWithValue("$id", execution.Id);
        command.Parameters.AddWithValue("$workflow", execution.WorkflowId);
        command.Parameters.AddWithValue("$status", execution.Status);
        command.Parameters.AddWithValue("$started", execution.StartedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$completed", (object?)execution.CompletedAt?.ToString("O", CultureInfo.InvariantCulture) ?? DBNull.Value);
        command.Parameters.AddWithValue("$time", (object?)execution.ExecutionTime ?? DBNull.Value);
        command.Parameters.AddWithValue("$last", execution.LastEventId);
        command.Parameters.AddWithValue("$output", (object?)execution.OutputJson ?? DBNull.Value);
        command.Parameters.AddWithValue("$error", (object?)execution.Error ?? DBNull.Value);
    }

    private static List<ExecutionRecord> ReadRecords(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var records = new List<ExecutionRecord>();
        while (reader.Read())
        {
            records.Add(new ExecutionRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
                reader.IsDBNull(4) ? null : DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture),
                reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return records;
    }
}
