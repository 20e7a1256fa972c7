using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Uploads.Api.Events;
using Uploads.Api.Problems;
using Uploads.Api.Reads;
using Uploads.Api.Security;
using Uploads.Api.Uploads;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Batches;

/// <summary>Batches: many files uploaded as one job, with the job's progress.</summary>
public static class BatchesApi
{
    public static RouteGroupBuilder MapBatchesApi(this IEndpointRouteBuilder app)
    {
        var batches = app.MapGroup("/batches").WithTags("Batches").RequireAuthorization();

        batches.MapPost("/", OpenBatch)
            .RequireRateLimiting(RateLimitingExtensions.Presign)
            .WithName("OpenBatch")
            .WithSummary("Start a batch of uploads, or add to the batch of the same external id")
            .WithDescription("Records the batch and every new file (PENDING) in one transaction, then answers how to upload each file in the request's order: a single `upload` (as presigned-upload answers), a `multipart` upload for files over one part (as multipart-upload answers; parts with an `etag` are stored already), `deduplicated` when the content is SYNCED already, or a per-file `error`. A file whose digest is PENDING already joins the batch with fresh URLs: sending the same request again resumes the batch. 201 for a new batch, 200 when `external_id` named an existing one.");

        batches.MapPost("/{batchId:guid}/files", AddFiles)
            .RequireRateLimiting(RateLimitingExtensions.Presign)
            .WithName("AddBatchFiles")
            .WithSummary("Add files to a batch")
            .WithDescription("As opening a batch, for one that exists. Up to 1,000 files per call.");

        batches.MapGet("/{batchId:guid}", GetBatch)
            .RequireRateLimiting(RateLimitingExtensions.Read)
            .WithName("GetBatch")
            .WithSummary("A batch's progress")
            .WithDescription("Its files counted by state, their bytes, `progress` (the share of files settled, 0 to 1) and `status`: IN_PROGRESS, then COMPLETED or COMPLETED_WITH_FAILURES. List its files with `GET /files?batch_id=`.");

        batches.MapGet("/{batchId:guid}/events", StreamProgress)
            .RequireRateLimiting(RateLimitingExtensions.Read)
            .WithName("StreamBatchProgress")
            .WithSummary("Server-sent events of a batch's progress")
            .WithDescription("A `progress` event with the batch as `GET /batches/{id}` shows it, first at once, then whenever its figures change (at most four times a second), ending once every file settled.")
            .Produces<BatchView>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        batches.MapGet("/", ListBatches)
            .RequireRateLimiting(RateLimitingExtensions.Read)
            .WithName("ListBatches")
            .WithSummary("The tenant's batches, newest first")
            .WithDescription("Page with `limit` (1–100, default 20) and the opaque `cursor` of the previous page's `next_cursor`.");

        return batches;
    }

    public static async Task<Results<Created<BatchTicket>, Ok<BatchTicket>, ValidationProblem, ProblemHttpResult>> OpenBatch(
        BatchRequest request, ClaimsPrincipal user, BatchUploads batches, UploadRequestRate uploadRate, HttpResponse response,
        IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var (files, errors) = BatchRequestValidator.Validate(request.ExternalId, request.Files, options.Value);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        using var charge = ChargeFurtherFiles(uploadRate, user, files.Count);
        if (!charge.IsAcquired)
        {
            return OverUploadRate(charge, response, files.Count);
        }

        var addition = await batches.OpenAsync(user.TenantId(), request.ExternalId, files, cancellationToken);
        var ticket = Ticket(addition);
        return addition.IsNew ? TypedResults.Created($"/batches/{ticket.BatchId}", ticket) : TypedResults.Ok(ticket);
    }

    public static async Task<Results<Ok<BatchTicket>, ValidationProblem, ProblemHttpResult>> AddFiles(
        Guid batchId, BatchFilesRequest request, ClaimsPrincipal user, BatchUploads batches, UploadRequestRate uploadRate, HttpResponse response,
        IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var (files, errors) = BatchRequestValidator.Validate(null, request.Files, options.Value);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        using var charge = ChargeFurtherFiles(uploadRate, user, files.Count);
        if (!charge.IsAcquired)
        {
            return OverUploadRate(charge, response, files.Count);
        }

        return await batches.AddAsync(user.TenantId(), batchId, files, cancellationToken) is { } addition
            ? TypedResults.Ok(Ticket(addition))
            : BatchNotFound(batchId);
    }

    /// <summary>
    /// A batch costs one upload request per file, as that many single requests would: the rate limiter took the first,
    /// this takes the others, before anything is recorded or signed.
    /// </summary>
    static RateLimitLease ChargeFurtherFiles(UploadRequestRate uploadRate, ClaimsPrincipal user, int files) =>
        uploadRate.TakeFurtherFiles(user.TenantId(), files);

    static ProblemHttpResult OverUploadRate(RateLimitLease charge, HttpResponse response, int files)
    {
        var wait = charge.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString();
        return Problem(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many requests",
            $"A batch costs one upload request per file ({files} here); this tenant is over its upload rate: try again in {seconds} s.");
    }

    public static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetBatch(
        Guid batchId, ClaimsPrincipal user, BatchCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.DescribeAsync(user.TenantId(), batchId, cancellationToken) is { } batch ? TypedResults.Ok(batch) : BatchNotFound(batchId);

    public static async Task<Results<ServerSentEventsResult<BatchView>, ProblemHttpResult>> StreamProgress(
        Guid batchId, HttpContext http, BatchEvents events, EventStreamSlots slots, CancellationToken cancellationToken)
    {
        if (slots.TryTake(http.User.TenantId()) is not { } slot)
        {
            http.Response.Headers.RetryAfter = "5";
            return Problem(StatusCodes.Status429TooManyRequests, ProblemCodes.TooManyStreams, "Too many event streams",
                $"This tenant has {slots.MaxPerTenant} event streams open; close one, or wait for a batch to settle.");
        }

        http.Response.RegisterForDispose(slot);
        return await events.OpenAsync(http.User.TenantId(), batchId, cancellationToken) is { } stream
            ? TypedResults.ServerSentEvents(stream)
            : BatchNotFound(batchId);
    }

    public static async Task<Results<Ok<BatchPage>, ValidationProblem>> ListBatches(
        ClaimsPrincipal user, BatchCatalog catalog, CancellationToken cancellationToken, int? limit = null, string? cursor = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > BatchCatalog.MaxPageSize)
        {
            errors["limit"] = [$"limit is between 1 and {BatchCatalog.MaxPageSize}."];
        }

        PageCursor? after = null;
        if (cursor is not null && !PageCursor.TryDecode(cursor, out after))
        {
            errors["cursor"] = ["cursor is the next_cursor of an earlier page."];
        }

        return errors.Count > 0
            ? Invalid(errors)
            : TypedResults.Ok(await catalog.ListAsync(user.TenantId(), limit ?? BatchCatalog.DefaultPageSize, after, cancellationToken));
    }

    static BatchTicket Ticket(BatchAddition addition) =>
        new(addition.Batch.Id, addition.Batch.ExternalId, addition.Files, TraceIds.Current);

    static ProblemHttpResult BatchNotFound(Guid batchId) =>
        Problem(StatusCodes.Status404NotFound, ProblemCodes.BatchNotFound, "Batch not found", $"No batch has the id {batchId}.");
}
