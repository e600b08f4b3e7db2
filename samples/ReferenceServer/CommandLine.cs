using System.Globalization;

namespace ResilientSse.ReferenceServer;

/// <summary>Reads the reference server's command-line switches into <see cref="ReferenceServerOptions"/>.</summary>
internal static class CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project samples/ReferenceServer -- [switches]
          --urls URL                 listen address (default http://127.0.0.1:5080)
          --http2-urls URL           also listen here for HTTP/2 without TLS (h2c, prior knowledge)
          --http2-max-streams N      most streams (watches) one HTTP/2 connection carries (default 100000)
          --db PATH                  SQLite file (default reference-server.db in the current directory)
          --store sqlite|memory|redis  where executions are kept (default sqlite); with redis, any number of
                                     servers share the executions (see --redis)
          --redis HOST:PORT          the Redis server of --store redis, e.g. 127.0.0.1:6379
          --redis-prefix TEXT        prefix of the Redis keys; servers with the same one share executions (default rsse:)
          --lease DURATION           Redis store: a lost server's running executions are ended this long after
                                     it last renewed its hold (default 10s)
          --heartbeat DURATION       keep-alive comment interval, e.g. 15s (default 15s)
          --retry-ms N               retry: value sent on each stream (default 1000)
          --drop P                   drop a stream after an event with probability P (0..1)
          --drop-before-terminal     drop each execution's first stream right before its terminal event
          --unavailable-rate R       answer a fraction R of stream requests 503 + Retry-After
          --retry-after S            Retry-After seconds for those 503s (default 1)
          --stall P                  go silent after an event with probability P
          --seed N                   seed for the faults
          --max-live N               most executions running at once on this server (default 100); with
                                     --store redis each node's own: N nodes run up to N times as many
          --max-live-retry-after S   Retry-After seconds of the 429 beyond --max-live (default 1)
          --allowed-host NAME        also answer requests whose Host is NAME (repeatable; * for any); a server
                                     bound to loopback otherwise answers only localhost, 127.0.0.1 and ::1
          --no-request-log           do not log each event stream (opened, resumed from, ended and why) on stderr
        """;

    /// <summary>Parses <paramref name="args"/>; returns null options and an error, or options and null; help sets <paramref name="help"/>.</summary>
    public static (ReferenceServerOptions? Options, string? Error) Parse(IReadOnlyList<string> args, out bool help)
    {
        help = false;
        var options = new ReferenceServerOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value.");
            try
            {
                switch (name)
                {
                    case "--help" or "-h":
                        help = true;
                        return (options, null);
                    case "--urls": options.Urls = Value(); break;
                    case "--http2-urls": options.Http2Urls = Value(); break;
                    case "--http2-max-streams": options.Http2MaxStreamsPerConnection = ParseInt(name, Value()); break;
                    case "--db": options.DatabasePath = Value(); break;
                    case "--store":
                        options.Store = Value() switch
                        {
                            "sqlite" => ReferenceStoreKind.Sqlite,
                            "memory" => ReferenceStoreKind.Memory,
                            "redis" => ReferenceStoreKind.Redis,
                            var other => throw new FormatException($"--store must be sqlite, memory or redis, not '{other}'."),
                        };
                        break;
                    case "--redis": options.Redis = Value(); break;
                    case "--redis-prefix": options.RedisKeyPrefix = Value(); break;
                    case "--lease": options.LeaseTime = ParseDuration(name, Value()); break;
                    case "--heartbeat": options.HeartbeatInterval = ParseDuration(name, Value()); break;
                    case "--retry-ms": options.RetryMilliseconds = ParseInt(name, Value()); break;
                    case "--drop": options.Faults.DropProbability = ParseDouble(name, Value()); break;
                    case "--drop-before-terminal": options.Faults.DropBeforeTerminal = true; break;
                    case "--unavailable-rate": options.Faults.UnavailableRate = ParseDouble(name, Value()); break;
                    case "--retry-after": options.Faults.RetryAfterSeconds = ParseInt(name, Value()); break;
                    case "--stall": options.Faults.StallProbability = ParseDouble(name, Value()); break;
                    case "--seed": options.Faults.Seed = ParseInt(name, Value()); break;
                    case "--max-live": options.MaxLiveExecutions = ParseInt(name, Value()); break;
                    case "--max-live-retry-after": options.MaxLiveRetryAfterSeconds = ParseInt(name, Value()); break;
                    case "--allowed-host": options.AllowedHosts.Add(Value()); break;
                    case "--no-request-log": options.RequestLog = false; break;
                    default: return (null, $"unknown switch '{name}' (--help lists them).");
                }
            }
            catch (FormatException ex)
            {
                return (null, ex.Message);
            }
        }

        return options.Validate() is { Count: > 0 } errors ? (null, string.Join(" ", errors)) : (options, null);
    }

    /// <summary>Parses <c>500ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c>.</summary>
    public static TimeSpan ParseDuration(string name, string text)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], "ms") : text.Length > 1 ? (text[..^1], text[^1..]) : (text, "");
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new FormatException($"{name} '{text}' is not a duration like 500ms, 2s, 5m.");
        }

        return unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            _ => throw new FormatException($"{name} '{text}' is not a duration like 500ms, 2s, 5m."),
        };
    }

    private static int ParseInt(string name, string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"{name} '{text}' is not a whole number.");

    private static double ParseDouble(string name, string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"{name} '{text}' is not a number.");
}
