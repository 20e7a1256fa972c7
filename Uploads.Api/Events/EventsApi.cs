using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Uploads.Api.Problems;
using Uploads.Api.Security;
using Uploads.Domain.Files;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Events;

/// <summary>Live status: a file's transitions as server-sent events.</summary>
public static class EventsApi
{
    public static RouteGroupBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files").WithTags("Files").RequireAuthorization();

        files.MapGet("/{fileId:guid}/events", StreamEvents)
            .WithName("StreamFileEvents")
            .WithSummary("Server-sent events of the file's transitions")
            .WithDescription("One `status` event per transition, starting with the current state and ending after a terminal state (SYNCED, FAILED, EXPIRED). Each event's id is the transition's.")
            .Produces<FileStatusEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return files;
    }

    public static async Task<Results<ServerSentEventsResult<FileStatusEvent>, ProblemHttpResult>> StreamEvents(
        Guid fileId, ClaimsPrincipal user, FileEvents events, CancellationToken cancellationToken) =>
        await events.OpenAsync(user.TenantId(), fileId, cancellationToken) is { } stream
            ? TypedResults.ServerSentEvents(stream)
            : Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "File not found", $"No file has the id {fileId}.");
}
