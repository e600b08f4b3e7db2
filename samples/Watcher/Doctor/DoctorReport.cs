using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ResilientSse.Watcher.Doctor;

/// <summary>Writes the findings: a readable report, or one JSON object with a <c>findings</c> array for scripts.</summary>
internal static class DoctorReport
{
    /// <summary>The text report: the worst first, each finding with its evidence and advice.</summary>
    public static string Text(DoctorObservation observation, IReadOnlyList<Finding> findings)
    {
        var text = new StringBuilder();
        var checks = observation.Connections.Count(c => c.IsResumeCheck);
        text.Append("doctor ").Append(observation.Url).Append('\n');
        text.Append("observed ").Append(DoctorText.Duration(observation.Duration)).Append(" over ").Append(observation.Connections.Count - checks).Append(" connection(s)")
            .Append(checks > 0 ? $", plus {checks} resumption check(s)" : string.Empty).Append("\n\n");
        foreach (var finding in findings.OrderByDescending(f => f.Severity))
        {
            text.Append(Label(finding.Severity).PadRight(8)).Append(finding.Code.PadRight(18)).Append(finding.Summary).Append('\n');
            text.Append("        evidence: ").Append(finding.Evidence).Append('\n');
            if (finding.Advice.Length > 0)
            {
                text.Append("        advice:   ").Append(finding.Advice).Append('\n');
            }
        }

        var needed = findings.Count(f => f.Severity != FindingSeverity.Info);
        text.Append('\n').Append(DoctorAnalysis.ExitCode(findings) switch
        {
            2 => "The endpoint could not be examined.",
            1 => $"{needed} finding(s) need action.",
            _ => "Nothing needs fixing.",
        }).Append('\n');
        return text.ToString();
    }

    /// <summary><c>{"url","durationMs","exitCode","findings":[{"code","severity","summary","evidence","advice"}]}</c>.</summary>
    public static string Json(DoctorObservation observation, IReadOnlyList<Finding> findings)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("url", observation.Url.AbsoluteUri);
            writer.WriteNumber("durationMs", (long)observation.Duration.TotalMilliseconds);
            writer.WriteNumber("exitCode", DoctorAnalysis.ExitCode(findings));
            writer.WriteStartArray("findings");
            foreach (var finding in findings)
            {
                writer.WriteStartObject();
                writer.WriteString("code", finding.Code);
                writer.WriteString("severity", Label(finding.Severity));
                writer.WriteString("summary", finding.Summary);
                writer.WriteString("evidence", finding.Evidence);
                writer.WriteString("advice", finding.Advice);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static string Label(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => "error",
        FindingSeverity.Warning => "warning",
        _ => "info",
    };
}
