using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ResilientSse.Watcher.Doctor;

/// <summary>
/// Turns the lines of one response, each with its arrival time, into events, comments and <c>retry:</c> values,
/// following the WHATWG field rules; keeps the times, not the data.
/// </summary>
internal sealed class ConnectionRecorder
{
    private readonly List<ObservedEvent> _events = [];
    private readonly List<TimeSpan> _comments = [];
    private readonly StringBuilder _data = new();
    private bool _hasData;
    private string? _type;
    private string? _id;
    private long _eventBytes;

    /// <summary>Gets the events dispatched so far.</summary>
    public IReadOnlyList<ObservedEvent> Events => _events;

    /// <summary>Gets when each comment line arrived.</summary>
    public IReadOnlyList<TimeSpan> Comments => _comments;

    /// <summary>Gets the first valid <c>retry:</c> value, in milliseconds.</summary>
    public long? RetryMilliseconds { get; private set; }

    /// <summary>Gets when the last line arrived.</summary>
    public TimeSpan? LastLineAt { get; private set; }

    /// <summary>Takes one line (without its line end) of <paramref name="bytes"/> bytes on the wire, arrived at <paramref name="at"/>.</summary>
    public void OnLine(string line, long bytes, TimeSpan at, DateTimeOffset wall)
    {
        LastLineAt = at;
        if (line.Length == 0)
        {
            Dispatch(bytes, at, wall);
            return;
        }

        if (line[0] == ':')
        {
            _comments.Add(at);
            return;
        }

        _eventBytes += bytes;
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? string.Empty : line[(colon + 1)..];
        if (value.StartsWith(' '))
        {
            value = value[1..];
        }

        switch (field)
        {
            case "data":
                // Only the beginning is kept (for its timestamp): the size is counted in bytes above.
                if (_data.Length < SseLineSplitter.MaxKeptBytes)
                {
                    _data.Append(_hasData ? "\n" : string.Empty).Append(value);
                }

                _hasData = true;
                break;
            case "event":
                _type = value;
                break;
            case "id" when !value.Contains('\0', StringComparison.Ordinal):
                _id = value;
                break;
            case "retry" when RetryMilliseconds is null && value.Length > 0 && value.All(char.IsAsciiDigit):
                RetryMilliseconds = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : long.MaxValue;
                break;
        }
    }

    private void Dispatch(long blankLineBytes, TimeSpan at, DateTimeOffset wall)
    {
        if (_hasData)
        {
            var type = string.IsNullOrEmpty(_type) ? "message" : _type;
            _events.Add(new ObservedEvent(_id, type, at, wall, TimestampOf(_data.ToString()), _eventBytes + blankLineBytes));
        }

        // The id stays in effect for the events that follow (WHATWG "last event ID"), but an event without one is reported as such.
        _id = null;
        _type = null;
        _data.Clear();
        _hasData = false;
        _eventBytes = 0;
    }

    private static DateTimeOffset? TimestampOf(string data)
    {
        if (!data.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("timestamp", out var timestamp)
                && timestamp.ValueKind == JsonValueKind.String
                && timestamp.TryGetDateTimeOffset(out var value)
                ? value
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
