using System.Net;
using ResilientSse.Streaming;
using ResilientSse.Streaming.Internal;

namespace ResilientSse.Executions.Internal;

/// <summary>
/// Reads an execution's snapshot. Transient trouble (network, timeout, 5xx, 408, 429) is returned as
/// <see cref="SnapshotResult.Unavailable"/>, not thrown: the watch decides what it means.
/// </summary>
internal sealed class SnapshotReader(HttpClient httpClient, ExecutionWatcherOptions options, TimeProvider timeProvider)
{
    public async Task<SnapshotResult> ReadAsync(string executionId, ExecutionEndpoints endpoints, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.SnapshotTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = endpoints.CreateSnapshotRequest();
        try
        {
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return SnapshotResult.Missing();
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new SseHttpStatusException(response.StatusCode, endpoints.SnapshotUri,
                    $"Execution '{executionId}': the snapshot endpoint refused access ({(int)response.StatusCode} {response.ReasonPhrase}). Check the credentials the HttpClient sends.");
            }

            if (!response.IsSuccessStatusCode)
            {
                return SnapshotResult.Unavailable(new SseTransientException(SseTransientReason.HttpStatus,
                    $"The snapshot endpoint {endpoints.SnapshotUri} answered {(int)response.StatusCode} {response.ReasonPhrase}.")
                {
                    StatusCode = response.StatusCode,
                    RetryAfter = RetryAfter.Read(response.Headers.RetryAfter, timeProvider),
                    RequestUri = endpoints.SnapshotUri,
                });
            }

            var json = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            return SnapshotResult.Found(SnapshotParser.Parse(executionId, json, options));
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return SnapshotResult.Unavailable(new SseTransientException(SseTransientReason.Timeout,
                $"The snapshot request to {endpoints.SnapshotUri} took longer than {options.SnapshotTimeout}.", ex) { RequestUri = endpoints.SnapshotUri });
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            var cause = ex.GetBaseException();
            return SnapshotResult.Unavailable(new SseTransientException(SseTransientReason.NetworkError,
                $"The snapshot request to {endpoints.SnapshotUri} failed: {ex.Message}{(ReferenceEquals(cause, ex) ? string.Empty : $" ({cause.Message})")}", ex)
            {
                RequestUri = endpoints.SnapshotUri,
            });
        }
    }
}
