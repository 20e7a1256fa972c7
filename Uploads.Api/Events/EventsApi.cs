using Microsoft.AspNetCore.Http.HttpResults;
using Uploads.Api.Problems;
using Uploads.Api.Security;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Events;

/// <summary>Live status: a file's transitions as server-sent events.</summary>
public static class EventsApi
{
    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files").WithTags("Files").RequireAuthorization().RequireRateLimiting(RateLimitingExtensions.Read);

        files.MapGet("/{fileId:guid}/events", StreamEvents)
            .WithName("StreamFileEvents")
            .WithSummary("Server-sent events of the file's transitions")
            .WithDescription("One `status` event per transition, starting with the current state and ending after a terminal state (SYNCED, FAILED, EXPIRED). Each event's id is the transition's.")
            .Produces<FileStatusEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        return files;
    }

    public static async Task<Results<ServerSentEventsResult<FileStatusEvent>, ProblemHttpResult>> StreamEvents(
        Guid fileId, HttpContext http, FileEvents events, EventStreamSlots slots, CancellationToken cancellationToken)
    {
        if (slots.TryTake(http.User.TenantId()) is not { } slot)
        {
            http.Response.Headers.RetryAfter = "5";
            return Problem(StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyStreams, "Too many event streams",
                $"This tenant has {slots.MaxPerTenant} event streams open; close one, or wait for a file to settle.");
        }

        // Given back when the response ends, however it ends.
        http.Response.RegisterForDispose(slot);
        return await events.OpenAsync(http.User.TenantId(), fileId, cancellationToken) is { } stream
            ? TypedResults.ServerSentEvents(stream)
            : Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "File not found", $"No file has the id {fileId}.");
    }
}
