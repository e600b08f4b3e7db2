using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>
/// <c>GET /workflow/executions/{id}/stream</c> (CONTRACT §2): <c>retry:</c> first, the log after
/// <c>Last-Event-ID</c>, then live events with heartbeats, until the terminal event ends the response.
/// </summary>
internal static class EventStreamEndpoint
{
    public static async Task HandleAsync(
        HttpContext context,
        string id,
        [FromServices] IExecutionStore store,
        [FromServices] ExecutionHub hub,
        [FromServices] FaultInjector faults,
        [FromServices] ReferenceServerOptions options,
        [FromServices] IHostApplicationLifetime lifetime,
        [FromServices] ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger(StreamLog.Category);
        var client = context.Connection.RemoteIpAddress is { } address ? $"{address}:{context.Connection.RemotePort}" : "?";
        if (await store.GetAsync(id, context.RequestAborted) is not { } execution)
        {
            StreamLog.Refused(log, StreamLog.Printable(id), client, StatusCodes.Status404NotFound, "no such execution");
            await ExecutionApi.UnknownExecution(id).ExecuteAsync(context);
            return;
        }

        if (!TryReadLastEventId(context.Request, out var after, out var via, out var problem))
        {
            StreamLog.Refused(log, id, client, StatusCodes.Status400BadRequest, "the Last-Event-ID is not one event id");
            await problem.ExecuteAsync(context);
            return;
        }

        // CONTRACT §2.2: an id the log has not reached is one this server never sent; a 400 ends the request instead of
        // a response that waits for events that may never come (or were lost with another database).
        if (after > execution.LastEventId)
        {
            StreamLog.Refused(log, id, client, StatusCodes.Status400BadRequest, $"Last-Event-ID {after} is beyond the log (last id {execution.LastEventId})");
            await Problems.BadRequest("Last-Event-ID", $"Last-Event-ID {after} is beyond the log of execution {id} (last id {execution.LastEventId}).").ExecuteAsync(context);
            return;
        }

        if (faults.RefuseStream())
        {
            StreamLog.Refused(log, id, client, StatusCodes.Status503ServiceUnavailable, "fault: unavailable");
            context.Response.Headers.RetryAfter = faults.Options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await Problems.Unavailable(faults.Options.RetryAfterSeconds).ExecuteAsync(context);
            return;
        }

        if (execution.IsTerminal && after >= execution.LastEventId)
        {
            StreamLog.Refused(log, id, client, StatusCodes.Status204NoContent, $"the execution has ended and its last event ({after}) was received");
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        StreamLog.Opened(log, id, client, after == 0 ? "from the start" : $"resuming after {after} ({via})");
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var stream = new EventStreamWriter(context, id, faults, stopping.Token, options.TimeProvider) { LastId = after };
        var subscriber = hub.Subscribe(id);
        subscriber.Direct = stream;
        string reason;
        try
        {
            reason = await WriteAsync(stream, store, subscriber, id, options, stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            reason = lifetime.ApplicationStopping.IsCancellationRequested ? "the server is stopping" : EventStreamWriter.ClientGone;
        }
        catch (IOException)
        {
            reason = EventStreamWriter.ClientGone;
        }
        finally
        {
            hub.Unsubscribe(id, subscriber);
        }

        StreamLog.Ended(log, id, client, stream.Written, stream.LastId, reason);
    }

    /// <summary>Writes the stream; returns why it ended, for the request log.</summary>
    private static async Task<string> WriteAsync(EventStreamWriter stream, IExecutionStore store, Subscriber subscriber, string id, ReferenceServerOptions options, CancellationToken cancellationToken)
    {
        await stream.StartAsync(options.RetryMilliseconds);

        // The subscriber was registered before the log is read: events appended meanwhile arrive on both paths,
        // and the id check below keeps each exactly once.
        foreach (var stored in await store.ReadAfterAsync(id, stream.LastId, cancellationToken))
        {
            if (!await stream.DeliverAsync(stored) || stored.IsTerminal)
            {
                return stream.EndReason!;
            }
        }

        await stream.FlushAsync();

        // A Last-Event-ID beyond the log of an execution that has ended leaves nothing to write: end the response
        // rather than keep it open with heartbeats for events that will never come. (If the run ended while the log
        // was being replayed, the rest is waiting in the subscriber's channel, and the loop below writes it.)
        if (await store.GetAsync(id, cancellationToken) is { IsTerminal: true } ended && stream.LastId >= ended.LastEventId)
        {
            return "the execution has ended and nothing is left to send";
        }

        while (true)
        {
            while (subscriber.Reader.TryRead(out var stored))
            {
                if (stored.Id <= stream.LastId)
                {
                    if (stored.IsTerminal)
                    {
                        // Written by the publisher (which wakes the loop with it), or during the replay.
                        return stream.EndReason ?? "the execution ended";
                    }

                    continue;
                }

                if (!await stream.DeliverAsync(stored) || stored.IsTerminal)
                {
                    return stream.EndReason!;
                }
            }

            // Every ready event was buffered: one flush sends them together.
            await stream.FlushAsync();
            if (stream.Gone)
            {
                return EventStreamWriter.ClientGone;
            }

            if (subscriber.Lagged)
            {
                // Fell too far behind: end the response; the client resumes from the log.
                return $"the client fell more than {options.SubscriberBufferSize} events behind; it resumes from the log";
            }

            if (!await stream.WaitOrHeartbeatAsync(subscriber.Reader, options.HeartbeatInterval))
            {
                return stream.Gone ? EventStreamWriter.ClientGone : $"the client fell more than {options.SubscriberBufferSize} events behind; it resumes from the log";
            }
        }
    }

    // CONTRACT §2.2: the header wins over ?lastEventId=; a value that is not one decimal id is a 400, never a guess.
    private static bool TryReadLastEventId(HttpRequest request, out long after, out string via, out IResult problem)
    {
        after = 0;
        problem = Results.Empty;
        var values = request.Headers["Last-Event-ID"];
        var field = "Last-Event-ID";
        if (values.Count == 0)
        {
            values = request.Query["lastEventId"];
            field = "lastEventId";
        }

        via = field == "lastEventId" ? "?lastEventId=" : "Last-Event-ID header";

        if (values.Count > 1)
        {
            problem = Problems.BadRequest(field, $"{field} was given {values.Count} times ('{string.Join("', '", values.ToArray())}'); send one event id.");
            return false;
        }

        var raw = values.ToString();
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            problem = Problems.BadRequest(field, raw.Contains(',', StringComparison.Ordinal)
                ? $"{field} '{raw}' holds several values; send one event id (a decimal sequence number)."
                : $"{field} '{raw}' is not an event id: ids are decimal sequence numbers (1, 2, …).");
            return false;
        }

        return true;
    }
}
