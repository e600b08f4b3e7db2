using ResilientSse.ReferenceServer;

namespace ResilientSse.IntegrationTests.ReferenceServer;

/// <summary>The reference server's switches.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void Parse_EverySwitch_SetsItsOption()
    {
        var (options, error) = CommandLine.Parse(
            ["--urls", "http://127.0.0.1:6001", "--db", "x.db", "--store", "memory", "--heartbeat", "500ms", "--retry-ms", "250",
             "--drop", "0.2", "--drop-before-terminal", "--unavailable-rate", "0.3", "--retry-after", "2", "--stall", "0.1", "--seed", "9", "--max-live", "7"],
            out var help);

        Assert.Null(error);
        Assert.False(help);
        Assert.Equal("http://127.0.0.1:6001", options!.Urls);
        Assert.Equal("x.db", options.DatabasePath);
        Assert.Equal(ReferenceStoreKind.Memory, options.Store);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.HeartbeatInterval);
        Assert.Equal(250, options.RetryMilliseconds);
        Assert.Equal(0.2, options.Faults.DropProbability);
        Assert.True(options.Faults.DropBeforeTerminal);
        Assert.Equal(0.3, options.Faults.UnavailableRate);
        Assert.Equal(2, options.Faults.RetryAfterSeconds);
        Assert.Equal(0.1, options.Faults.StallProbability);
        Assert.Equal(9, options.Faults.Seed);
        Assert.Equal(7, options.MaxLiveExecutions);
    }

    [Fact]
    public void Parse_Http2Switches_SetTheH2cAddressesAndTheStreamLimit()
    {
        var (options, error) = CommandLine.Parse(["--http2-urls", "http://127.0.0.1:6002", "--http2-max-streams", "5000"], out _);

        Assert.Null(error);
        Assert.Equal("http://127.0.0.1:6002", options!.Http2Urls);
        Assert.Equal(5000, options.Http2MaxStreamsPerConnection);
    }

    [Fact]
    public void Parse_AnHttpsHttp2Address_IsRefusedNamingIt()
    {
        var (options, error) = CommandLine.Parse(["--http2-urls", "https://127.0.0.1:6002"], out _);

        Assert.Null(options);
        Assert.Contains("Http2Urls ('https://127.0.0.1:6002') must be http:// addresses", error);
    }

    [Fact]
    public void Parse_Nothing_GivesTheDefaults()
    {
        var (options, error) = CommandLine.Parse([], out _);

        Assert.Null(error);
        Assert.Equal("http://127.0.0.1:5080", options!.Urls);
        Assert.Equal(ReferenceStoreKind.Sqlite, options.Store);
        Assert.Equal(TimeSpan.FromSeconds(15), options.HeartbeatInterval);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--store", "redis")]
    [InlineData("--store", "redis", "--redis", "127.0.0.1")]
    [InlineData("--store", "redis", "--redis", "127.0.0.1:99999")]
    [InlineData("--store", "redis", "--redis", "127.0.0.1:6379", "--lease", "100ms")]
    [InlineData("--store", "postgres")]
    [InlineData("--heartbeat", "soon")]
    [InlineData("--drop", "1.5")]
    [InlineData("--retry-ms")]
    [InlineData("--max-live", "0")]
    public void Parse_BadSwitch_GivesAnErrorNamingIt(params string[] args)
    {
        var (options, error) = CommandLine.Parse(args, out _);

        Assert.Null(options);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Parse_RedisStore_ReadsTheAddressPrefixAndLease()
    {
        var (options, error) = CommandLine.Parse(["--store", "redis", "--redis", "127.0.0.1:6380", "--redis-prefix", "blue:", "--lease", "3s"], out _);

        Assert.Null(error);
        Assert.Equal(ReferenceStoreKind.Redis, options!.Store);
        Assert.Equal("127.0.0.1:6380", options.Redis);
        Assert.Equal("blue:", options.RedisKeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(3), options.LeaseTime);
    }

    [Fact]
    public void Parse_RedisStoreWithoutAddress_SaysRedisMustBeSet()
    {
        var (_, error) = CommandLine.Parse(["--store", "redis"], out _);

        Assert.Contains("Redis must be set (host:port", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AllowedHost_IsRepeatable()
    {
        var (options, error) = CommandLine.Parse(["--allowed-host", "sse.example", "--allowed-host", "::1"], out _);

        Assert.Null(error);
        Assert.Equal(["sse.example", "::1"], options!.AllowedHosts);
    }

    [Theory]
    [InlineData("http://sse.example")]
    [InlineData("sse.example:8080")]
    [InlineData(" ")]
    public void Parse_AllowedHostWithSchemeOrPort_GivesAnErrorNamingIt(string host)
    {
        var (options, error) = CommandLine.Parse(["--allowed-host", host], out _);

        Assert.Null(options);
        Assert.Contains("AllowedHosts", error, StringComparison.Ordinal);
    }
}
