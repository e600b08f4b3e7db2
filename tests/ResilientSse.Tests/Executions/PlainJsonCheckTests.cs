using System.Text;
using System.Text.Json;
using ResilientSse.Executions.Internal;

namespace ResilientSse.Tests.Executions;

public class PlainJsonCheckTests
{
    [Theory]
    [InlineData("{\"executionId\":\"wf_exec_01J\",\"nodeId\":\"stage-1\",\"timestamp\":\"2026-11-24T12:00:00Z\"}")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("[[],{},[{}]]")]
    [InlineData("[1,-2.5e+3,0,-0,0.25,1E9,7e-2,true,false,null,\"x\",\"\"]")]
    [InlineData(" {\"a\" : [ {} , 1 ] ,\t\"b\":\r\n\"c d\" } \n")]
    [InlineData("\"text with ~ and { } [ ] : ,\"")]
    [InlineData("0")]
    [InlineData("-0.1E5")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{\"a\":1,\"a\":2}")]
    public void IsPlainValue_PlainJson_ReturnsTrue(string json)
    {
        Assert.True(ReaderReadsOneValue(json), "the case must be valid JSON");
        Assert.True(PlainJsonCheck.IsPlainValue(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("{\"a\"}")]
    [InlineData("{\"a\":}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("[,1]")]
    [InlineData("[1 2]")]
    [InlineData("{1:2}")]
    [InlineData("{\"a\":1]")]
    [InlineData("[1}")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("-")]
    [InlineData("+1")]
    [InlineData("tru")]
    [InlineData("nulls")]
    [InlineData("NaN")]
    [InlineData("{\"a\":1}x")]
    [InlineData("{} {}")]
    [InlineData("'a'")]
    [InlineData("\"unterminated")]
    [InlineData("/*c*/1")]
    [InlineData("\"escaped \\\" quote\"")]
    [InlineData("\"non-ASCII é\"")]
    [InlineData("\"control \u0001\"")]
    [InlineData("\"del \u007f\"")]
    [InlineData("\uFEFF{}")]
    public void IsPlainValue_NotPlainOrNotJson_ReturnsFalse(string json)
    {
        Assert.False(PlainJsonCheck.IsPlainValue(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void IsPlainValue_NestingToMaxDepth_ReturnsTrueAndDeeperReturnsFalse()
    {
        var deepest = new string('[', PlainJsonCheck.MaxDepth) + new string(']', PlainJsonCheck.MaxDepth);
        var deeper = "[" + deepest + "]";

        Assert.True(PlainJsonCheck.IsPlainValue(Encoding.UTF8.GetBytes(deepest)));
        Assert.False(PlainJsonCheck.IsPlainValue(Encoding.UTF8.GetBytes(deeper)));
    }

    [Fact]
    public void IsPlainValue_RandomTokenSequences_TrueOnlyWhereTheReaderReadsOneValue()
    {
        // Whatever the plain check accepts, the reader must accept: the check decides instead of it.
        string[] pieces = ["{", "}", "[", "]", ",", ":", " ", "\n", "\"a\"", "\"b c\"", "\"", "\\", "1", "-0.5e3", "0", "01", "1.", "e5",
            "true", "nul", "null", "x", "é", "\t"];
        var random = new Random(12);
        var accepted = 0;
        for (var n = 0; n < 200_000; n++)
        {
            var builder = new StringBuilder();
            var length = random.Next(1, 12);
            for (var k = 0; k < length; k++)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            var json = builder.ToString();
            if (PlainJsonCheck.IsPlainValue(Encoding.UTF8.GetBytes(json)))
            {
                accepted++;
                Assert.True(ReaderReadsOneValue(json), $"accepted, but not one JSON value: {json}");
            }
        }

        Assert.True(accepted > 1_000, $"only {accepted} sequences accepted: the check must recognise plain JSON");
    }

    [Fact]
    public void IsPlainValue_RandomPlainDocuments_ReturnsTrueAsTheReaderDoes()
    {
        var random = new Random(7);
        for (var n = 0; n < 20_000; n++)
        {
            var json = RandomValue(random, depth: 0);
            Assert.True(ReaderReadsOneValue(json), json);
            Assert.True(PlainJsonCheck.IsPlainValue(Encoding.UTF8.GetBytes(json)), json);
        }
    }

    private static string RandomValue(Random random, int depth) => random.Next(depth < 6 ? 8 : 5) switch
    {
        0 => "\"" + new string((char)random.Next(0x20, 0x7F), random.Next(0, 4)).Replace("\"", "q", StringComparison.Ordinal).Replace("\\", "b", StringComparison.Ordinal) + "\"",
        1 => (random.Next(2) == 0 ? "-" : string.Empty) + random.Next(0, 1000) + (random.Next(2) == 0 ? ".5" : string.Empty) + (random.Next(2) == 0 ? "e-3" : string.Empty),
        2 => "true",
        3 => "false",
        4 => "null",
        5 or 6 => "[" + string.Join(Space(random) + "," + Space(random), Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth + 1))) + "]",
        _ => "{" + Space(random) + string.Join(",", Enumerable.Range(0, random.Next(0, 4)).Select(k => $"\"k{k}\"{Space(random)}:{Space(random)}{RandomValue(random, depth + 1)}")) + "}",
    };

    private static string Space(Random random) => random.Next(4) == 0 ? " \r\n\t"[..random.Next(1, 5)] : string.Empty;

    private static bool ReaderReadsOneValue(string json)
    {
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
            var tokens = 0;
            while (reader.Read())
            {
                tokens++;
            }

            return tokens > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
