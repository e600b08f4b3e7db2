using System.Globalization;
using System.Text;

namespace ResilientSse.Benchmarks;

/// <summary>The bytes of an event stream of small JSON events, as the reference server writes them.</summary>
internal static class EventStreamFixture
{
    public static byte[] Create(int count)
    {
        var builder = new StringBuilder(count * 140);
        // No retry: field: after the end of the stream the client reconnects at once and is told 204 (stop),
        // so the benchmark measures reading events, not the protocol's reconnection delay.
        for (var i = 1; i <= count; i++)
        {
            builder.Append("id: ").Append(i.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("event: node.completed\n")
                .Append("data: {\"executionId\":\"wf_exec_01JBENCH\",\"nodeId\":\"stage-")
                .Append(i.ToString(CultureInfo.InvariantCulture))
                .Append("\",\"timestamp\":\"2026-11-24T12:00:00Z\"}\n\n");
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
