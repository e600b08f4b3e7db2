using System.Buffers;
using System.IO.Compression;
using System.Net.Http.Headers;

namespace ResilientSse.Watcher.Doctor;

/// <summary>One connection: the request, the response headers, and the raw body read line by line with arrival times.</summary>
internal sealed partial class DoctorProbe
{
    private async Task<ConnectionRecord> ConnectAsync(string? lastEventId, ResumeVia via, TimeSpan limit, bool resumeCheck, CancellationToken cancellationToken)
    {
        var record = new ConnectionRecord
        {
            IsResumeCheck = resumeCheck,
            LastEventIdSent = lastEventId,
            Via = via,
            StartedAt = Now,
            StartedWall = timeProvider.GetUtcNow(),
        };
        using var timeUp = new CancellationTokenSource(limit, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeUp.Token, cancellationToken);
        using var request = CreateRequest(lastEventId, via);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Out of time is not a failure of the endpoint's, unless it is all the time there was (the analysis decides).
            var timedOut = ex is OperationCanceledException;
            var error = timedOut ? $"no response within {DoctorText.Duration(limit)}" : ex.Message.ReplaceLineEndings(" ");
            return record with { Error = error, End = timedOut ? ConnectionEnd.TimeUp : ConnectionEnd.Failed, EndedAt = Now };
        }

        using (response)
        {
            var content = response.Content.Headers;
            record = record with
            {
                Status = (int)response.StatusCode,
                HeadersAt = Now,
                MediaType = content.ContentType?.MediaType,
                Charset = content.ContentType?.CharSet,
                CacheControl = response.Headers.TryGetValues("Cache-Control", out var cache) ? string.Join(", ", cache) : null,
                ContentEncoding = content.ContentEncoding.Count > 0 ? string.Join(", ", content.ContentEncoding) : null,
                AccelBuffering = response.Headers.TryGetValues("X-Accel-Buffering", out var accel) ? string.Join(", ", accel) : null,
            };
            if (response.StatusCode != System.Net.HttpStatusCode.OK || !string.Equals(record.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                return record with { End = ConnectionEnd.NotAStream, EndedAt = Now };
            }

            return await ReadBodyAsync(record, response.Content, resumeCheck, linked.Token, cancellationToken);
        }
    }

    private HttpRequestMessage CreateRequest(string? lastEventId, ResumeVia via)
    {
        var url = settings.Url;
        if (via == ResumeVia.Query)
        {
            var separator = string.IsNullOrEmpty(url.Query) ? "?" : "&";
            url = new Uri(url.AbsoluteUri + separator + "lastEventId=" + Uri.EscapeDataString(lastEventId!));
        }

        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };

        // As a browser asks: a path that compresses will show it.
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");
        if (via == ResumeVia.Header)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        foreach (var header in settings.Headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            request.Headers.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
        }

        return request;
    }

    private async Task<ConnectionRecord> ReadBodyAsync(ConnectionRecord record, HttpContent content, bool resumeCheck, CancellationToken timeUp, CancellationToken cancellationToken)
    {
        var recorder = new ConnectionRecorder();
        var splitter = new SseLineSplitter();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var end = ConnectionEnd.Closed;
        TimeSpan? lastByteAt = null;
        try
        {
            await using var body = Decompress(await content.ReadAsStreamAsync(timeUp), record.ContentEncoding);
            while (true)
            {
                var read = await body.ReadAsync(buffer, timeUp);
                if (read == 0)
                {
                    break;
                }

                var at = Now;
                var wall = timeProvider.GetUtcNow();
                lastByteAt = at;
                splitter.Feed(buffer.AsSpan(0, read), (line, bytes) => recorder.OnLine(line, bytes, at, wall));
                if (resumeCheck && recorder.Events.Count > 0)
                {
                    end = ConnectionEnd.Enough;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            end = ConnectionEnd.TimeUp;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
        {
            // A reset or a truncated chunk is a close as far as a client can tell.
            end = ConnectionEnd.Closed;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return record with
        {
            Events = [.. recorder.Events],
            Comments = [.. recorder.Comments],
            RetryMilliseconds = recorder.RetryMilliseconds,
            LastByteAt = lastByteAt,
            End = end,
            EndedAt = Now,
        };
    }

    private static Stream Decompress(Stream body, string? encoding) => encoding?.Trim().ToLowerInvariant() switch
    {
        "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress),
        "deflate" => new ZLibStream(body, CompressionMode.Decompress),
        "br" => new BrotliStream(body, CompressionMode.Decompress),
        _ => body,
    };
}
