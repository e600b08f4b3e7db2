using ResilientSse.Executions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ResilientSse.Watcher.Output;

/// <summary>
/// The live view on an interactive terminal: one line per stage with its state, elapsed time and a progress bar,
/// plus counts of events, reconnects and gaps, redrawn in place; it says why it reconnects or polls, shows every notice
/// with <c>--verbose</c>, and on a failure shows the reason and closes the rows still running.
/// </summary>
internal sealed class LiveRenderer : IEventRenderer
{
    private readonly Lock _lock = new();
    private readonly List<StageRow> _stages = [];
    private readonly List<string> _messages = [];
    private readonly int? _expectedStages;
    private readonly bool _verbose;
    private readonly WatchNarrator _narrator;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _display;
    private string _executionId = string.Empty;
    private string? _ending;
    private int _events;
    private int _reconnects;
    private int _gaps;

    public LiveRenderer(int? expectedStages, bool verbose, WatchNarrator narrator)
    {
        _expectedStages = expectedStages;
        _verbose = verbose;
        _narrator = narrator;
    }

    public void Begin(string executionId)
    {
        _executionId = executionId;
        _display = AnsiConsole.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            while (!_done.Task.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(_done.Task, Task.Delay(100));
            }

            context.UpdateTarget(Render());
        });
    }

    public void Event(ExecutionEvent item)
    {
        lock (_lock)
        {
            _events++;
            if (item.Kind == ExecutionEventKind.Gap)
            {
                _gaps++;
                _messages.Add($"events {item.MissingFrom}..{item.MissingTo} could not be obtained");
                return;
            }

            var nodeId = item.Data.ValueKind == System.Text.Json.JsonValueKind.Object && item.Data.TryGetProperty("nodeId", out var node) ? node.GetString() : null;
            switch (item.Type)
            {
                case "node.started" when nodeId is not null:
                    _stages.Add(new StageRow(nodeId, ServerTime(item)));
                    break;
                case "node.completed" or "node.failed" when nodeId is not null && _stages.FindLast(s => s.NodeId == nodeId) is { } stage:
                    stage.Finish(item.Type == "node.completed" ? "completed" : "failed", ServerTime(item));
                    break;
            }

            if (item.IsTerminal)
            {
                var status = JsonLines.StatusName(item.Status) ?? "ended";
                _ending = $"{status}{(item.Source == ExecutionEventSource.Snapshot ? " (from the snapshot)" : string.Empty)}";
                CloseRunningRows(status, ServerTime(item));
            }
        }
    }

    public void Notice(ExecutionWatchNotice notice)
    {
        lock (_lock)
        {
            if (notice.Kind == ExecutionWatchNoticeKind.Reconnecting)
            {
                _reconnects++;
            }

            var narration = _narrator.Narrate(notice);
            if ((_verbose ? narration.Line : narration.Show) is { } line)
            {
                _messages.Add(line);
            }
        }
    }

    public void Failed(string reason)
    {
        lock (_lock)
        {
            _ending = $"failed: {reason}";
            CloseRunningRows("unknown", TimeProvider.System.GetUtcNow());
        }
    }

    public async ValueTask DisposeAsync()
    {
        _done.TrySetResult();
        if (_display is not null)
        {
            await _display;
        }
    }

    private IRenderable Render()
    {
        lock (_lock)
        {
            // The header is a line of its own, not the table's title, so that a long execution id wraps instead of being cut.
            var state = _ending ?? _narrator.State;
            var stateColor = _ending is null ? (state == "running" ? "blue" : "yellow") : _ending.StartsWith("completed", StringComparison.Ordinal) ? "green" : "red";
            var header = new Markup($"[bold]{Markup.Escape(_executionId)}[/]  [{stateColor}]{Markup.Escape(state)}[/]");
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn("stage").AddColumn("state").AddColumn(new TableColumn("elapsed").RightAligned());
            foreach (var stage in _stages)
            {
                var color = stage.State switch { "completed" => "green", "running" => "yellow", "unknown" => "grey", _ => "red" };
                table.AddRow(Markup.Escape(stage.NodeId), $"[{color}]{stage.State}[/]", Duration.Format(stage.Elapsed));
            }

            var done = _stages.Count(s => s.State != "running");
            var total = Math.Max(_expectedStages ?? _stages.Count, 1);
            var width = 30;
            var filled = Math.Min(width, done * width / total);
            var bar = $"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/] {done}/{(_expectedStages?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")} stages";
            var summary = $"{bar}   events {_events} · reconnects {_reconnects} · gaps {_gaps}";
            var rows = new List<IRenderable> { header, table, new Markup(summary) };
            rows.AddRange(_messages.TakeLast(_verbose ? 10 : 3).Select(m => new Markup("[grey]" + Markup.Escape(m) + "[/]")));
            return new Rows(rows);
        }
    }

    /// <summary>Rows still shown running when the watch ends can no longer change: they take the ending's word.</summary>
    private void CloseRunningRows(string state, DateTimeOffset at)
    {
        foreach (var stage in _stages.Where(s => s.State == "running"))
        {
            stage.Finish(state, at);
        }
    }

    /// <summary>When the server wrote the event (its data's <c>timestamp</c>), else when it arrived.</summary>
    private static DateTimeOffset ServerTime(ExecutionEvent item) =>
        item.Data.ValueKind == System.Text.Json.JsonValueKind.Object && item.Data.TryGetProperty("timestamp", out var at) && at.TryGetDateTimeOffset(out var time)
            ? time
            : item.ReceivedAt;

    /// <summary>A stage's row; its elapsed time is the server's, from node.started to its end, so replayed stages show their real length.</summary>
    private sealed class StageRow(string nodeId, DateTimeOffset startedAt)
    {
        private DateTimeOffset? _endedAt;

        public string NodeId { get; } = nodeId;

        public string State { get; private set; } = "running";

        public TimeSpan Elapsed => (_endedAt ?? TimeProvider.System.GetUtcNow()) - startedAt;

        public void Finish(string state, DateTimeOffset endedAt)
        {
            State = state;
            _endedAt = endedAt;
        }
    }
}
