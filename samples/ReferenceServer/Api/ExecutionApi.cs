using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using ResilientSse.ReferenceServer.Engine;
using ResilientSse.ReferenceServer.Redis;
using ResilientSse.ReferenceServer.Store;

namespace ResilientSse.ReferenceServer.Api;

/// <summary>The HTTP API of CONTRACT §1.</summary>
internal static class ExecutionApi
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/workflows", () => new JsonResult(writer =>
        {
            writer.WriteStartArray();
            foreach (var workflow in WorkflowCatalog.Definitions)
            {
                writer.WriteStartObject();
                writer.WriteString("id", workflow.Id);
                writer.WriteString("name", workflow.Name);
                writer.WriteString("description", workflow.Description);
                writer.WriteStartArray("inputs");
                foreach (var input in workflow.Inputs)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", input.Name);
                    writer.WriteString("description", input.Description);
                    writer.WriteNumber("default", input.Default);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }));
        app.MapPost("/workflow/executions", CreateAsync);
        app.MapGet("/workflow/executions", async (HttpContext context, [FromServices] IExecutionStore store) =>
            SnapshotJson.ListResult(await store.ListAsync(context.RequestAborted)));
        app.MapGet("/workflow/executions/{id}", async (HttpContext context, string id, [FromServices] IExecutionStore store) =>
            await store.GetAsync(id, context.RequestAborted) is { } execution ? SnapshotJson.Result(execution) : UnknownExecution(id));
        app.MapPost("/workflow/executions/{id}/cancel", CancelAsync);
        var stream = app.MapGet("/workflow/executions/{id}/stream", EventStreamEndpoint.HandleAsync);
        if (app.Services.GetService<RedisEventRelay>() is { } relay)
        {
            // A shared store: live events come from the log (whichever node appends them), followed while the stream is open.
            stream.AddEndpointFilter(async (context, next) =>
            {
                using var follow = await relay.FollowAsync((string)context.HttpContext.Request.RouteValues["id"]!);
                return await next(context);
            });
        }
    }

    private static async Task<IResult> CancelAsync(HttpContext context, string id, [FromServices] ExecutionEngine engine)
    {
        try
        {
            return await engine.CancelAsync(id, context.RequestAborted) switch
            {
                (null, _) => UnknownExecution(id),
                ({ } execution, true) => Problems.Conflict($"Execution '{id}' is already {execution.Status}; a terminal status never changes."),
                ({ } execution, false) => SnapshotJson.Result(execution, StatusCodes.Status202Accepted),
            };
        }
        catch (ServerStoppingException ex)
        {
            return Stopping(context, ex);
        }
    }

    private static IResult Stopping(HttpContext context, ServerStoppingException ex)
    {
        context.Response.Headers.RetryAfter = ServerStoppingException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Stopping(ex.Message);
    }

    public static IResult UnknownExecution(string id) =>
        Problems.NotFound("Unknown execution", $"No execution has the id '{id}'.");

    private static async Task<IResult> CreateAsync(HttpContext context, [FromServices] WorkflowCatalog catalog, [FromServices] ExecutionEngine engine, [FromServices] ReferenceServerOptions options)
    {
        if (context.Request.ContentLength > options.MaxRequestBodyBytes)
        {
            return Problems.TooLarge(options.MaxRequestBodyBytes);
        }

        // Also refuses a body-less POST: a cross-site page can send one without asking (a "simple" request).
        if (!RequestGuards.IsJson(context.Request.ContentType))
        {
            return Problems.UnsupportedMediaType(context.Request.ContentType);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("body", $"The body is not valid JSON: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge(options.MaxRequestBodyBytes);
        }

        using (document)
        {
            var root = document.RootElement;
            if (JsonText.FirstInvalidString(root) is { } where)
            {
                return Problems.BadRequest(where, $"'{where}' is not valid Unicode text (invalid UTF-8 or a lone surrogate such as \\ud800).");
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return Problems.BadRequest("body", "The body must be a JSON object such as {\"workflowId\":\"quick\",\"input\":{}}.");
            }

            if (!root.TryGetProperty("workflowId", out var workflow) || workflow.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(workflow.GetString()))
            {
                return Problems.BadRequest("workflowId", "'workflowId' is required and must be a non-empty string.");
            }

            var workflowId = workflow.GetString()!;
            WorkflowPlan? plan;
            try
            {
                plan = catalog.Plan(workflowId, root.TryGetProperty("input", out var input) ? input : null);
            }
            catch (InputException ex)
            {
                return Problems.BadRequest(ex.Field, ex.Message);
            }

            if (plan is null)
            {
                return Problems.NotFound("Unknown workflow", $"No workflow has the id '{workflowId}'; GET /workflows lists them.");
            }

            ExecutionRecord execution;
            try
            {
                execution = await engine.StartAsync(workflowId, plan, context.RequestAborted);
            }
            catch (TooManyExecutionsException ex)
            {
                context.Response.Headers.RetryAfter = ex.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Problems.TooMany(ex.Message);
            }
            catch (ServerStoppingException ex)
            {
                return Stopping(context, ex);
            }

            return SnapshotJson.Result(execution, StatusCodes.Status201Created, "/workflow/executions/" + Uri.EscapeDataString(execution.Id));
        }
    }
}
