using System.Buffers;
using System.Text;
using System.Text.Json;
using ResilientSse.Watcher.Output;

namespace ResilientSse.IntegrationTests.Watcher;

/// <summary>
/// The data of a <c>--format jsonl</c> line: copied as received when the writer would change none of its bytes,
/// written token by token otherwise — the same bytes either way.
/// </summary>
public sealed class JsonLinesDataTests
{
    [Theory]
    [InlineData("""{"executionId":"wf_exec_1","nodeId":"stage-1","timestamp":"2026-11-24T12:00:00Z"}""")]
    [InlineData("""{"a":"x y z","b":[1,2.50,-3e5,12345678901234567890],"c":{"d":null,"e":true,"f":false}}""")]
    [InlineData("""{"html":"</script> & ' + ` < >","empty":"","s":" "}""")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("[]")]
    public void WriteData_TextAlreadyAsWritten_CopiesItUnchanged(string json)
    {
        Assert.True(JsonLines.IsWrittenAsIs(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(json, Written(json, JsonLines.WriteData));
        Assert.Equal(Written(json, (w, e) => e.WriteTo(w)), Written(json, JsonLines.WriteData));
    }

    [Theory]
    [InlineData("""{"a": 1}""")]
    [InlineData("""{ "a":1 }""")]
    [InlineData("""[1, 2]""")]
    [InlineData("{\"a\":\t1}")]
    [InlineData("{\"a\":1}\n")]
    [InlineData("""{"slash":"\/","u":"\u0041","q":"\"","tab":"\t"}""")]
    [InlineData("""{"accent":"café","emoji":"😀","ls":"\u2028"}""")]
    [InlineData("{\"del\":\"\u007f\"}")]
    public void WriteData_TextTheWriterChanges_WritesWhatWriteToWrites(string json)
    {
        Assert.False(JsonLines.IsWrittenAsIs(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(Written(json, (w, e) => e.WriteTo(w)), Written(json, JsonLines.WriteData));
    }

    [Fact]
    public void WriteData_EveryPrintableAsciiCharacterInAString_SameBytesAsWriteTo()
    {
        for (var c = (char)0x20; c <= (char)0x7E; c++)
        {
            if (c is '"' or '\\')
            {
                continue;
            }

            var json = $$"""{"k{{c}}":"v{{c}}"}""";
            Assert.Equal(Written(json, (w, e) => e.WriteTo(w)), Written(json, JsonLines.WriteData));
        }
    }

    private static string Written(string json, Action<Utf8JsonWriter, JsonElement> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonLines.Options))
        {
            write(writer, JsonElement.Parse(json));
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
