using System.Text;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Tests.Streaming;

public class EventTypeCacheTests
{
    private readonly EventTypeCache _cache = new();

    [Theory]
    [InlineData("node.completed")]
    [InlineData("état.changé")]
    public void Get_SameBytesAgain_ReturnsTheSameString(string type)
    {
        var first = _cache.Get(Encoding.UTF8.GetBytes(type));
        var second = _cache.Get(Encoding.UTF8.GetBytes(type));

        Assert.Equal(type, first);
        Assert.Same(first, second);
    }

    [Fact]
    public void Get_TypesThatDifferInOneByte_ReturnsEachItsOwnText()
    {
        var a = _cache.Get("node.started"u8);
        var b = _cache.Get("node.startee"u8);
        var prefix = _cache.Get("node.start"u8);

        Assert.Equal(["node.started", "node.startee", "node.start"], [a, b, prefix]);
        Assert.Same(a, _cache.Get("node.started"u8));
    }

    [Fact]
    public void Get_InvalidUtf8_DecodesAsAStringWould()
    {
        byte[] bytes = [(byte)'a', 0xFF, (byte)'b'];

        Assert.Equal(Encoding.UTF8.GetString(bytes), _cache.Get(bytes));
        Assert.Equal("a\uFFFDb", _cache.Get(bytes));
    }

    [Fact]
    public void Get_MoreTypesThanTheCacheHolds_StillReturnsEachTypesText()
    {
        for (var round = 0; round < 3; round++)
        {
            for (var k = 0; k < 10; k++)
            {
                Assert.Equal($"type-{k}", _cache.Get(Encoding.UTF8.GetBytes($"type-{k}")));
            }
        }
    }
}
