using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Uploads.Infrastructure.Data;
using Uploads.Domain.Files;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Api.Security;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Uploads;

/// <summary>Uploading: presigned POSTs, multipart uploads, and confirmation, which starts a file's sync.</summary>
public static class UploadsApi
{
    public static RouteGroupBuilder MapUploadsApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files").WithTags("Files").RequireAuthorization();

        files.MapPost("/presigned-upload", RequestUpload)
            .WithName("RequestUpload")
            .WithSummary("Ask for a presigned POST (or PUT) for one file")
            .RequireRateLimiting(RateLimitingExtensions.Presign)
            .WithDescription("Creates a PENDING file (201) and returns the URL and form fields for a multipart/form-data POST straight to storage; the file goes last, in a field named `file`. With `method: \"PUT\"` (and a `size`), answers with a presigned PUT instead: send the file as the body with exactly the `headers` given. With a `sha256` already SYNCED, answers 200 with `deduplicated: true` and no upload fields; with a `sha256` still PENDING, answers 200 with that file and fresh fields.");

        files.MapPost("/confirm-uploads", ConfirmUploads)
            .RequireRateLimiting(RateLimitingExtensions.Confirm)
            .WithName("ConfirmUploads")
            .WithSummary("Tell the API which uploads finished")
            .WithDescription("Checks each object in storage and moves the file to UPLOADED, which starts its sync. A per-file problem is reported in that file's `error` and does not fail the others. Confirming again changes nothing.");

        files.MapPost("/multipart-upload", StartMultipartUpload)
            .RequireRateLimiting(RateLimitingExtensions.Presign)
            .WithName("StartMultipartUpload")
            .WithSummary("Upload a large file in parts")
            .WithDescription("Creates a PENDING file (201) and returns a presigned PUT per part of `part_size` bytes (the last part may be shorter). Upload the parts in parallel, retry only those that fail, keep each PUT's ETag, then call complete-multipart. `size` is required.");

        files.MapGet("/{fileId:guid}/multipart-upload", ResumeMultipartUpload)
            .RequireRateLimiting(RateLimitingExtensions.Read)
            .WithName("ResumeMultipartUpload")
            .WithSummary("Fresh part URLs, and the parts already stored")
            .WithDescription("For a PENDING multipart file: every part's presigned PUT again; a part with an `etag` is stored and need not be sent again.");

        files.MapDelete("/{fileId:guid}/multipart-upload", CancelMultipartUpload)
            .RequireRateLimiting(RateLimitingExtensions.Confirm)
            .WithName("CancelMultipartUpload")
            .WithSummary("Cancel a multipart upload")
            .WithDescription("For a PENDING multipart file: the file becomes EXPIRED with the reason CANCELLED (no confirmation can follow), then storage frees the parts already sent. 409 once the file has left PENDING.");

        files.MapPost("/{fileId:guid}/complete-multipart", CompleteMultipartUpload)
            .RequireRateLimiting(RateLimitingExtensions.Confirm)
            .WithName("CompleteMultipartUpload")
            .WithSummary("Complete a multipart upload and confirm the file")
            .WithDescription("Assembles the object from the parts (numbers ascending, with their ETags), checks its size, and moves the file to UPLOADED as confirm-uploads does. A `sha256` computed while uploading is declared for the worker to verify. Calling it again changes nothing.");

        return files;
    }

    public static async Task<Results<Created<UploadTicket>, Ok<UploadTicket>, ValidationProblem, ProblemHttpResult>> RequestUpload(
        UploadRequest request, ClaimsPrincipal user, PresignedUploads uploads, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var validation = UploadRequestValidator.Validate(request, options.Value);
        if (validation.Rejection == UploadRejection.Invalid)
        {
            return Invalid(validation.Errors);
        }

        if (ProblemFor(validation) is { } rejected)
        {
            return rejected;
        }

        var outcome = await uploads.RequestUploadAsync(user.TenantId(), validation.Upload!, cancellationToken);
        return outcome switch
        {
            { Conflict: { } conflict } => Problem(StatusCodes.Status409Conflict, ProblemCodes.DigestConflict, "Digest already pending", conflict),
            { IsNew: true, Ticket: { } ticket } => TypedResults.Created($"/files/{ticket.FileId}", ticket),
            _ => TypedResults.Ok(outcome.Ticket),
        };
    }

    public static async Task<Results<Created<MultipartUploadTicket>, Ok<MultipartUploadTicket>, ValidationProblem, ProblemHttpResult>> StartMultipartUpload(
        MultipartUploadRequest request, ClaimsPrincipal user, MultipartUploads multipart, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var validation = UploadRequestValidator.Validate(
            new UploadRequest(request.Filename, request.ExternalId, request.ContentType, request.Size, request.Sha256), options.Value);
        if (request.Size is null && validation.Rejection is UploadRejection.None or UploadRejection.Invalid)
        {
            return Invalid(new Dictionary<string, string[]>(validation.Errors) { ["size"] = ["size is required for a multipart upload."] });
        }

        if (validation.Rejection == UploadRejection.Invalid)
        {
            return Invalid(validation.Errors);
        }

        if (ProblemFor(validation) is { } rejected)
        {
            return rejected;
        }

        var outcome = await multipart.StartAsync(user.TenantId(), validation.Upload!, cancellationToken);
        return outcome switch
        {
            { Conflict: { } conflict } => Problem(StatusCodes.Status409Conflict, ProblemCodes.DigestConflict, "Digest already pending", conflict),
            { IsNew: true, Ticket: { } ticket } => TypedResults.Created($"/files/{ticket.FileId}", ticket),
            _ => TypedResults.Ok(outcome.Ticket),
        };
    }

    public static async Task<Results<Ok<MultipartUploadTicket>, ProblemHttpResult>> ResumeMultipartUpload(
        Guid fileId, ClaimsPrincipal user, MultipartUploads multipart, CancellationToken cancellationToken) =>
        await multipart.FindAsync(user.TenantId(), fileId, cancellationToken) switch
        {
            null => MultipartNotFound(fileId),
            { Status: not FileStatus.Pending } settled => NotPending(settled),
            { DeclaredSize: null } => Problem(StatusCodes.Status409Conflict, ProblemCodes.UploadWithoutSize, "Upload has no size",
                "This upload was started without a size (the Companion protocol): list and sign its parts there."),
            var file => await multipart.ResumeAsync(user.TenantId(), file, cancellationToken) switch
            {
                { Status: FileStatus.Pending } ticket => TypedResults.Ok(ticket),
                var settled => Problem(StatusCodes.Status409Conflict, ProblemCodes.NotPending, "Upload finished",
                    $"The file is {StatusNames.ToName(settled.Status)}: nothing is left to upload."),
            },
        };

    public static async Task<Results<Ok<FileUploadState>, ProblemHttpResult>> CancelMultipartUpload(
        Guid fileId, ClaimsPrincipal user, MultipartUploads multipart, CancellationToken cancellationToken) =>
        await multipart.CancelAsync(user.TenantId(), fileId, cancellationToken) switch
        {
            (null, _) => MultipartNotFound(fileId),
            ({ } cancelled, true) => TypedResults.Ok(new FileUploadState(cancelled.Id, cancelled.Status, FailureReasons.Cancelled, TraceIds.Current)),
            ({ } settled, false) => NotPending(settled),
        };

    public static async Task<Results<Ok<ConfirmationResult>, ValidationProblem, ProblemHttpResult>> CompleteMultipartUpload(
        Guid fileId, CompleteMultipartRequest request, ClaimsPrincipal user, MultipartUploads multipart, CancellationToken cancellationToken)
    {
        var (parts, sha256, errors) = CompleteMultipartValidator.Validate(request);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (await multipart.FindAsync(user.TenantId(), fileId, cancellationToken) is not { } file)
        {
            return MultipartNotFound(fileId);
        }

        var completion = await multipart.CompleteAsync(user.TenantId(), file, parts, sha256, cancellationToken);
        return ProblemFor(completion) ?? (Results<Ok<ConfirmationResult>, ValidationProblem, ProblemHttpResult>)TypedResults.Ok(completion.Confirmation!);
    }

    /// <summary>The problem a refused or unconfirmed completion answers with, through this API or the Companion protocol; null once confirmed.</summary>
    public static ProblemHttpResult? ProblemFor(MultipartCompletion completion) => completion switch
    {
        { Refusal: CompletionRefusal.InvalidParts, Detail: var detail } => Problem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidParts, "Parts refused", detail!),
        { Refusal: CompletionRefusal.DigestMismatch, Detail: var detail } => Problem(StatusCodes.Status400BadRequest, ProblemCodes.DigestMismatch, "Digest differs", detail!),
        { Refusal: CompletionRefusal.DigestConflict, Detail: var detail } => Problem(StatusCodes.Status409Conflict, ProblemCodes.DigestConflict, "Digest already pending", detail!),
        { Confirmation.Error: { } error } => Problem(StatusCodes.Status409Conflict, error.Code, "Upload not confirmed", error.Detail),
        _ => null,
    };

    static ProblemHttpResult MultipartNotFound(Guid fileId) =>
        Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "File not found", $"No multipart upload has the id {fileId}.");

    static ProblemHttpResult NotPending(FileRecord file) =>
        Problem(StatusCodes.Status409Conflict, ProblemCodes.NotPending, "Upload finished", $"The file is {StatusNames.ToName(file.Status)}: nothing is left to upload.");

    /// <summary>The problem for a request that is well-formed but over a limit (413) or of a type not allowed (415).</summary>
    public static ProblemHttpResult? ProblemFor(UploadValidation validation) => validation.Rejection switch
    {
        UploadRejection.TooLarge =>
            Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.FileTooLarge, "File too large", validation.Errors["size"][0]),
        UploadRejection.UnsupportedContentType =>
            Problem(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedContentType, "Content type not allowed", validation.Errors["content_type"][0]),
        _ => null,
    };

    public static async Task<Results<Ok<ConfirmUploadsResponse>, ValidationProblem>> ConfirmUploads(
        ConfirmUploadsRequest request, ClaimsPrincipal user, UploadConfirmations confirmations, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var (files, errors) = ConfirmRequestValidator.Validate(request, options.Value);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var results = await confirmations.ConfirmAsync(user.TenantId(), files, cancellationToken);
        var confirmed = results.Count(r => r.Error is null);
        return TypedResults.Ok(new ConfirmUploadsResponse(confirmed, results, TraceIds.Current));
    }
}
