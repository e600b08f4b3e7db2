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
        [FromServices] IHostApplicationLifetime lifetime)
    {
        if (store.Get(id) is not { } execution)
        {
            await ExecutionApi.UnknownExecution(id).ExecuteAsync(context);
            return;
        }

        if (!TryReadLastEventId(context.Request, out var after, out var problem))
        {
            await problem.ExecuteAsync(context);
            return;
        }

        // CONTRACT §2.2: an id the log has not reached is one this server never sent; a 400 ends the request instead of
        // a response that waits for events that may never come (or were lost with another database).
        if (after > execution.LastEventId)
        {
            await Problems.BadRequest("Last-Event-ID", $"Last-Event-ID {after} is beyond the log of execution {id} (last id {execution.LastEventId}).").ExecuteAsync(context);
            return;
        }

        if (faults.RefuseStream())
        {
            context.Response.Headers.RetryAfter = faults.Options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await Problems.Unavailable(faults.Options.RetryAfterSeconds).ExecuteAsync(context);
            return;
        }

        if (execution.IsTerminal && after >= execution.LastEventId)
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var stream = new EventStreamWriter(context, id, faults, stopping.Token);
        var subscriber = hub.Subscribe(id);
        try
        {
            await WriteAsync(stream, store, subscriber, id, after, options);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The client went away or the server is stopping.
        }
        catch (IOException)
        {
            // The client went away mid-write.
        }
        finally
        {
            hub.Unsubscribe(id, subscriber);
        }
    }

    private static async Task WriteAsync(EventStreamWriter stream, IExecutionStore store, Subscriber subscriber, string id, long after, ReferenceServerOptions options)
    {
        await stream.StartAsync(options.RetryMilliseconds);
        var last = after;

        // The subscriber was registered before the log is read: events appended meanwhile arrive on both paths,
        // and the id check below keeps each exactly once.
        foreach (var stored in store.ReadAfter(id, after))
        {
            if (!await stream.DeliverAsync(stored) || stored.IsTerminal)
            {
                return;
            }

            last = stored.Id;
        }

        // A Last-Event-ID beyond the log of an execution that has ended leaves nothing to write: end the response
        // rather than keep it open with heartbeats for events that will never come. (If the run ended while the log
        // was being replayed, the rest is waiting in the subscriber's channel, and the loop below writes it.)
        if (store.Get(id) is { IsTerminal: true } ended && last >= ended.LastEventId)
        {
            return;
        }

        while (true)
        {
            while (subscriber.Reader.TryRead(out var stored))
            {
                if (stored.Id <= last)
                {
                    if (stored.IsTerminal)
                    {
                        return;
                    }

                    continue;
                }

                if (!await stream.DeliverAsync(stored) || stored.IsTerminal)
                {
                    return;
                }

                last = stored.Id;
            }

            if (subscriber.Lagged || !await stream.WaitOrHeartbeatAsync(subscriber.Reader, options.HeartbeatInterval, options.TimeProvider))
            {
                // Fell too far behind (or the log ended): end the response; the client resumes from the log.
                return;
            }
        }
    }

    // CONTRACT §2.2: the header wins over ?lastEventId=; a value that is not one decimal id is a 400, never a guess.
    private static bool TryReadLastEventId(HttpRequest request, out long after, out IResult problem)
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
