using System.Net;
using System.Text;
using System.Text.Json;
using ResilientSse.Watcher.Output;

namespace ResilientSse.Watcher.Commands;

/// <summary>
/// Starts an execution: <c>POST /workflow/executions</c> (CONTRACT §1). Like a watch, it retries a server that cannot be
/// reached or answers 503/429 — only failures in which the server cannot have started anything — until the first-contact
/// budget runs out, saying why and what next each time the reason changes.
/// </summary>
internal static class ExecutionStarter
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <exception cref="OfflineBudgetExceededException">No answer within <see cref="GiveUpPolicy.FirstContact"/>; the last cause is the inner exception.</exception>
    /// <exception cref="StartFailedException">The server answered, and refused.</exception>
    public static async Task<string> StartAsync(HttpClient http, Uri server, string workflowId, string? inputJson, GiveUpPolicy giveUp, TextWriter diagnostics, bool verbose, CancellationToken cancellationToken)
    {
        // JsonEncodedText escapes without reflection, so the native (AOT) build stays warning-free.
        var body = $"{{\"workflowId\":\"{JsonEncodedText.Encode(workflowId)}\",\"input\":{inputJson ?? "{}"}}}";
        var uri = new Uri(server, "workflow/executions");
        var narrator = new WatchNarrator(server, giveUp);
        var started = TimeProvider.System.GetTimestamp();
        var delay = FirstDelay;
        Exception? lastCause = null;
        while (true)
        {
            var remaining = giveUp.FirstContact - TimeProvider.System.GetElapsedTime(started);
            var (id, cause) = await TryStartAsync(http, uri, workflowId, body, remaining, cancellationToken);
            if (id is not null)
            {
                return id;
            }

            var elapsed = TimeProvider.System.GetElapsedTime(started);
            if (elapsed >= giveUp.FirstContact)
            {
                // An attempt that the deadline itself cut short says less than the failure before it.
                cause = cause is SseTransientException { Reason: SseTransientReason.Timeout } && lastCause is not null ? lastCause : cause;
                throw new OfflineBudgetExceededException(elapsed, giveUp.FirstContact, $"Could not start '{workflowId}' within {Duration.Format(giveUp.FirstContact)}.", cause);
            }

            lastCause = cause;
            var wait = cause is SseTransientException { RetryAfter: { } retryAfter } && retryAfter > delay ? retryAfter : delay;
            wait = wait < giveUp.FirstContact - elapsed ? wait : giveUp.FirstContact - elapsed;
            var narration = narrator.Retrying(cause, wait);
            if ((verbose ? narration.Line : narration.Show) is { } line)
            {
                diagnostics.WriteLine($"{WatcherCli.ProgramName}: {line}");
            }

            await Task.Delay(wait, TimeProvider.System, cancellationToken);
            delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
        }
    }

    /// <summary>Reads the stages a run will have from its input, when the workflow says so.</summary>
    public static int? ExpectedStages(string workflowId, string? inputJson)
    {
        if (workflowId == "quick")
        {
            return 3;
        }

        if (workflowId == "failing")
        {
            return 2;
        }

        if (workflowId != "very-long")
        {
            return null;
        }

        using var input = JsonDocument.Parse(inputJson ?? "{}");
        return input.RootElement.TryGetProperty("stages", out var stages) && stages.TryGetInt32(out var count) ? count : 10;
    }

    /// <summary>One attempt: the new execution's id, or why it is worth another attempt.</summary>
    private static async Task<(string? Id, Exception? Cause)> TryStartAsync(HttpClient http, Uri uri, string workflowId, string body, TimeSpan remaining, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1));
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(uri, content, attempt.Token);
            var text = await response.Content.ReadAsStringAsync(attempt.Token);
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
            {
                var retryAfter = response.Headers.RetryAfter is { } header
                    ? header.Delta ?? (header.Date is { } date ? date - TimeProvider.System.GetUtcNow() : null)
                    : null;
                return (null, new SseTransientException(SseTransientReason.HttpStatus, $"The server answered {(int)response.StatusCode}.")
                {
                    StatusCode = response.StatusCode,
                    RetryAfter = retryAfter > TimeSpan.Zero ? retryAfter : null,
                    RequestUri = uri,
                });
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new StartFailedException($"the server refused to start '{workflowId}': {(int)response.StatusCode} {ProblemDetail(text)}");
            }

            using var snapshot = JsonDocument.Parse(text);
            return (snapshot.RootElement.GetProperty("id").GetString() ?? throw new StartFailedException("the server's answer has no execution id."), null);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            // The request never reached the server: nothing can have been started, so trying again is safe.
            return (null, new SseTransientException(SseTransientReason.NetworkError, ex.Message, ex) { RequestUri = uri });
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, new SseTransientException(SseTransientReason.Timeout, "The request timed out.") { RequestUri = uri });
        }
    }

    private static string ProblemDetail(string text)
    {
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? text : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
