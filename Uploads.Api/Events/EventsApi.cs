using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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
            .WithDescription("One `status` event per transition, starting with the current state and ending after a terminal state (SYNCED, FAILED, EXPIRED). Each event's id is the transition's; reconnecting with `Last-Event-ID` (or `?last_event_id=`) replays the transitions since that one, and answers 204 when the file settled with nothing new.")
            .Produces<FileStatusEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        return files;
    }

    public static async Task<Results<ServerSentEventsResult<FileStatusEvent>, NoContent, ProblemHttpResult>> StreamEvents(
        Guid fileId,
        HttpContext http,
        FileEvents events,
        EventStreamSlots slots,
        CancellationToken cancellationToken,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader = null,
        [FromQuery(Name = "last_event_id")] string? lastEventIdQuery = null)
    {
        if (slots.TryTake(http.User.TenantId()) is not { } slot)
        {
            http.Response.Headers.RetryAfter = "5";
            return Problem(StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyStreams, "Too many event streams",
                $"This tenant has {slots.MaxPerTenant} event streams open; close one, or wait for a file to settle.");
        }

        // Given back when the response ends, however it ends.
        http.Response.RegisterForDispose(slot);
        // A browser's EventSource resends the last id it saw as a header; a client that cannot set headers may use the query.
        long? lastEventId = long.TryParse(lastEventIdHeader ?? lastEventIdQuery, out var parsed) ? parsed : null;
        return await events.OpenAsync(http.User.TenantId(), fileId, lastEventId, cancellationToken) switch
        {
            null => Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "File not found", $"No file has the id {fileId}."),
            { Events: { } stream } => TypedResults.ServerSentEvents(stream),
            // Nothing after the last event the client saw, and the file is settled: 204 tells EventSource to stop reconnecting.
            _ => TypedResults.NoContent(),
        };
    }
}
