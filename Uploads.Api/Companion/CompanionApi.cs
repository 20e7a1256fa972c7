using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Api.Security;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Storage;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Companion;

/// <summary>
/// The S3 routes of Uppy Companion, as <c>@uppy/aws-s3</c> calls them, under <c>/companion</c>: an Uppy frontend moves from
/// Companion to this API by pointing its <c>endpoint</c> here and sending its token in <c>headers</c>. Each upload is one of
/// our files (its id in every answer); keys are ours, and a key or upload id of another tenant is not found.
/// </summary>
public static class CompanionApi
{
    public const string Prefix = "/companion";
    const int MaxBatchParts = 1_000;

    public static RouteGroupBuilder MapCompanionApi(this IEndpointRouteBuilder app)
    {
        var s3 = app.MapGroup($"{Prefix}/s3").WithTags("Companion protocol").RequireAuthorization();

        s3.MapGet("/params", GetUploadParameters)
            .RequireRateLimiting(RateLimitingExtensions.Presign)
            .WithName("CompanionUploadParameters")
            .WithSummary("A presigned POST for one file (Companion's getUploadParameters)")
            .WithDescription("`filename`, `type` and `metadata[...]` in the query (`metadata[external_id]` is kept as the file's external id). Creates a PENDING file; storage's event confirms it once the object arrives, as Uppy never confirms.");

        s3.MapPost("/multipart", CreateMultipartUpload)
            .RequireRateLimiting(RateLimitingExtensions.Presign)
            .WithName("CompanionCreateMultipartUpload")
            .WithSummary("Start a multipart upload (Companion's createMultipartUpload)")
            .WithDescription("Creates a PENDING file without a size (Uppy sends none): each part is signed when asked for, and the size is checked against the maximum once complete.");

        s3.MapGet("/multipart/{uploadId}", ListParts)
            .RequireRateLimiting(RateLimitingExtensions.Read)
            .WithName("CompanionListParts")
            .WithSummary("The parts storage holds (Companion's listParts), for resuming");

        s3.MapGet("/multipart/{uploadId}/batch", SignPartBatch)
            .RequireRateLimiting(RateLimitingExtensions.Presign)
            .WithName("CompanionSignPartBatch")
            .WithSummary("Presigned PUTs for several parts (`partNumbers=1,2,3`)");

        s3.MapGet("/multipart/{uploadId}/{partNumber:int}", SignPart)
            .RequireRateLimiting(RateLimitingExtensions.Presign)
            .WithName("CompanionSignPart")
            .WithSummary("A presigned PUT for one part (Companion's signPart)");

        s3.MapPost("/multipart/{uploadId}/complete", CompleteMultipartUpload)
            .RequireRateLimiting(RateLimitingExtensions.Confirm)
            .WithName("CompanionCompleteMultipartUpload")
            .WithSummary("Complete the upload and confirm the file (Companion's completeMultipartUpload)");

        s3.MapDelete("/multipart/{uploadId}", AbortMultipartUpload)
            .RequireRateLimiting(RateLimitingExtensions.Confirm)
            .WithName("CompanionAbortMultipartUpload")
            .WithSummary("Cancel the upload (Companion's abortMultipartUpload): the file becomes EXPIRED, reason CANCELLED");

        return s3;
    }

    public static async Task<Results<Ok<CompanionUploadParameters>, ValidationProblem, ProblemHttpResult>> GetUploadParameters(
        string? filename, string? type, HttpRequest request, ClaimsPrincipal user, PresignedUploads uploads, IOptions<UploadOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var validation = Validate(filename, request.Query["metadata[external_id]"].FirstOrDefault(), type, options.Value);
        if (validation.Rejection == UploadRejection.Invalid)
        {
            return Invalid(validation.Errors);
        }

        if (UploadsApi.ProblemFor(validation) is { } rejected)
        {
            return rejected;
        }

        var ticket = (await uploads.RequestUploadAsync(user.TenantId(), validation.Upload!, cancellationToken)).Ticket!;
        return TypedResults.Ok(new CompanionUploadParameters(
            "POST", ticket.UploadUrl!, ticket.FormFields!, new Dictionary<string, string>(), SecondsUntil(ticket.ExpiresAt!.Value, clock), ticket.FileId));
    }

    public static async Task<Results<Ok<CompanionMultipartUpload>, ValidationProblem, ProblemHttpResult>> CreateMultipartUpload(
        CompanionMultipartRequest request, ClaimsPrincipal user, MultipartUploads multipart, IOptions<UploadOptions> options,
        IOptions<StorageOptions> storage, CancellationToken cancellationToken)
    {
        var externalId = request.Metadata?.GetValueOrDefault("external_id") is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
        var validation = Validate(request.Filename, externalId, request.Type, options.Value);
        if (validation.Rejection == UploadRejection.Invalid)
        {
            return Invalid(validation.Errors);
        }

        if (UploadsApi.ProblemFor(validation) is { } rejected)
        {
            return rejected;
        }

        var file = await multipart.CreateAsync(user.TenantId(), validation.Upload!, cancellationToken)
            ?? throw new InvalidOperationException("A multipart upload without a digest cannot conflict with another.");
        return TypedResults.Ok(new CompanionMultipartUpload(file.UploadKey, file.MultipartUploadId!, storage.Value.Bucket, file.Id));
    }

    public static async Task<Results<Ok<IReadOnlyList<CompanionPart>>, ValidationProblem, ProblemHttpResult>> ListParts(
        string uploadId, string? key, ClaimsPrincipal user, MultipartUploads multipart, CancellationToken cancellationToken)
    {
        var (file, invalid, problem) = await PendingUploadAsync(uploadId, key, user, multipart, cancellationToken);
        if (invalid is not null || problem is not null)
        {
            return invalid is not null ? invalid : problem!;
        }

        var stored = await multipart.ListStoredPartsAsync(file!, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<CompanionPart>>([.. stored.Values.OrderBy(p => p.Number).Select(p => new CompanionPart(p.Number, p.Size, p.ETag))]);
    }

    public static async Task<Results<Ok<CompanionPartUrl>, ValidationProblem, ProblemHttpResult>> SignPart(
        string uploadId, int partNumber, string? key, ClaimsPrincipal user, MultipartUploads multipart, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (file, invalid, problem) = await PendingUploadAsync(uploadId, key, user, multipart, cancellationToken);
        if (invalid is not null || problem is not null)
        {
            return invalid is not null ? invalid : problem!;
        }

        file = await multipart.WithLiveUrlsAsync(user.TenantId(), file!, cancellationToken);
        if (await multipart.SignPartsAsync(file, [partNumber]) is not { } urls)
        {
            return Invalid(new Dictionary<string, string[]> { ["partNumber"] = [$"partNumber is 1–{MultipartUploads.MaxParts}."] });
        }

        return TypedResults.Ok(new CompanionPartUrl(urls[partNumber].ToString(), SecondsUntil(file.UploadExpiresAt, clock)));
    }

    public static async Task<Results<Ok<CompanionPartUrls>, ValidationProblem, ProblemHttpResult>> SignPartBatch(
        string uploadId, string? key, string? partNumbers, ClaimsPrincipal user, MultipartUploads multipart, CancellationToken cancellationToken)
    {
        var numbers = ParsePartNumbers(partNumbers);
        if (numbers is null)
        {
            return Invalid(new Dictionary<string, string[]>
            {
                ["partNumbers"] = [$"partNumbers lists 1–{MaxBatchParts} part numbers (1–{MultipartUploads.MaxParts}), separated by commas."],
            });
        }

        var (file, invalid, problem) = await PendingUploadAsync(uploadId, key, user, multipart, cancellationToken);
        if (invalid is not null || problem is not null)
        {
            return invalid is not null ? invalid : problem!;
        }

        var urls = await multipart.SignPartsAsync(await multipart.WithLiveUrlsAsync(user.TenantId(), file!, cancellationToken), numbers);
        return TypedResults.Ok(new CompanionPartUrls(urls!.ToDictionary(u => u.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), u => u.Value.ToString())));
    }

    public static async Task<Results<Ok<CompanionCompletion>, ValidationProblem, ProblemHttpResult>> CompleteMultipartUpload(
        string uploadId, string? key, CompanionCompleteRequest request, HttpRequest http, ClaimsPrincipal user, MultipartUploads multipart,
        CancellationToken cancellationToken)
    {
        var listed = request.Parts?.OrderBy(p => p?.PartNumber ?? 0).Select(p => p is null ? null : new CompletedPart(p.PartNumber, p.ETag)).ToList();
        var (parts, _, errors) = CompleteMultipartValidator.Validate(new CompleteMultipartRequest(listed));
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var (file, invalid, problem) = await UploadAsync(uploadId, key, user, multipart, cancellationToken);
        if (invalid is not null || problem is not null)
        {
            return invalid is not null ? invalid : problem!;
        }

        var completion = await multipart.CompleteAsync(user.TenantId(), file!, parts, sha256: null, cancellationToken);
        if (UploadsApi.ProblemFor(completion) is { } refused)
        {
            return refused;
        }

        var location = $"{http.Scheme}://{http.Host}{http.PathBase}/files/{file!.Id}";
        return TypedResults.Ok(new CompanionCompletion(location, file.UploadKey, file.Id, completion.Confirmation!.Status));
    }

    public static async Task<Results<Ok<FileUploadState>, ValidationProblem, ProblemHttpResult>> AbortMultipartUpload(
        string uploadId, string? key, ClaimsPrincipal user, MultipartUploads multipart, CancellationToken cancellationToken)
    {
        var (file, invalid, problem) = await PendingUploadAsync(uploadId, key, user, multipart, cancellationToken);
        if (invalid is not null || problem is not null)
        {
            return invalid is not null ? invalid : problem!;
        }

        return await UploadsApi.CancelMultipartUpload(file!.Id, user, multipart, cancellationToken) switch
        {
            { Result: Ok<FileUploadState> cancelled } => cancelled,
            { Result: ProblemHttpResult settled } => settled,
            _ => throw new InvalidOperationException("A cancellation answers with the file or a problem."),
        };
    }

    /// <summary>The tenant's upload named by <paramref name="key"/> and <paramref name="uploadId"/>, or the problem to answer.</summary>
    static async Task<(FileRecord? File, ValidationProblem? Invalid, ProblemHttpResult? Problem)> UploadAsync(
        string uploadId, string? key, ClaimsPrincipal user, MultipartUploads multipart, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(key) || key.Length > 1024)
        {
            errors["key"] = ["key is the upload's key, as the multipart upload's start answered it."];
        }

        if (!IsUploadId(uploadId))
        {
            errors["uploadId"] = ["uploadId is the storage's upload id, as the multipart upload's start answered it."];
        }

        if (errors.Count > 0)
        {
            return (null, Invalid(errors), null);
        }

        return await multipart.FindByUploadAsync(user.TenantId(), key!, uploadId, cancellationToken) is { } file
            ? (file, null, null)
            : (null, null, Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "Upload not found", "No multipart upload of yours has this key and upload id."));
    }

    static async Task<(FileRecord? File, ValidationProblem? Invalid, ProblemHttpResult? Problem)> PendingUploadAsync(
        string uploadId, string? key, ClaimsPrincipal user, MultipartUploads multipart, CancellationToken cancellationToken)
    {
        var found = await UploadAsync(uploadId, key, user, multipart, cancellationToken);
        return found.File is { Status: not FileStatus.Pending } settled
            ? (null, null, Problem(StatusCodes.Status409Conflict, ProblemCodes.NotPending, "Upload finished",
                $"The file is {StatusNames.ToName(settled.Status)}: nothing is left to upload."))
            : found;
    }

    /// <summary>Upload ids are opaque to clients; S3's and MinIO's are URL-safe text, never this long.</summary>
    static bool IsUploadId(string uploadId) =>
        uploadId.Length is > 0 and <= 512 && uploadId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '~' or '+' or '=');

    static List<int>? ParsePartNumbers(string? partNumbers)
    {
        var values = partNumbers?.Split(',');
        if (values is not { Length: > 0 and <= MaxBatchParts })
        {
            return null;
        }

        var numbers = new List<int>(values.Length);
        foreach (var value in values)
        {
            if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                || number is < 1 or > MultipartUploads.MaxParts)
            {
                return null;
            }

            numbers.Add(number);
        }

        return [.. numbers.Distinct()];
    }

    /// <summary>
    /// Companion's requests carry a name, a type (empty when the browser knows none) and metadata, never a size or a
    /// digest; the upload is a POST form or parts, whatever method is configured for our own endpoint.
    /// </summary>
    static UploadValidation Validate(string? filename, string? externalId, string? type, UploadOptions options) =>
        UploadRequestValidator.Validate(
            new UploadRequest(filename, externalId, string.IsNullOrEmpty(type) ? null : type, Size: null, Sha256: null, Method: "POST"), options);

    static long SecondsUntil(DateTimeOffset time, TimeProvider clock) => Math.Max(0, (long)(time - clock.GetUtcNow()).TotalSeconds);
}
