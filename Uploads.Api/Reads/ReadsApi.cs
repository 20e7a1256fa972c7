using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Uploads.Api.Problems;
using Uploads.Api.Security;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Reads;

/// <summary>Reading back: a file's metadata and history, listings, the content itself and its thumbnails.</summary>
public static class ReadsApi
{
    public static RouteGroupBuilder MapReadsApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files").WithTags("Files").RequireAuthorization().RequireRateLimiting(RateLimitingExtensions.Read);

        files.MapGet("/", ListFiles)
            .WithName("ListFiles")
            .WithSummary("Files, newest first")
            .WithDescription("Filter by `status`, `external_id` and `batch_id`; page with `limit` (1–500, default 50) and the opaque `cursor` of the previous page's `next_cursor`. Pages are stable under inserts.");

        files.MapGet("/{fileId:guid}", GetFile)
            .WithName("GetFile")
            .WithSummary("A file's metadata and the history of its states")
            .WithDescription("With `derivatives` (`pending`, `ready`, `failed` with a `reason`, or `none`) and, once ready, the picture's `metadata` (dimensions, orientation, format, PDF page count, camera, taken-at and GPS location) and its `thumbnails`.");

        files.MapGet("/{fileId:guid}/content", GetContent)
            .WithName("GetFileContent")
            .WithSummary("The file's bytes, streamed")
            .WithDescription("With Content-Type, Content-Length, Content-Disposition (the original filename) and ETag (the SHA-256). Honours If-None-Match (304) and a single Range (206). `X-Cache` says whether Redis served it. 409 unless the file is SYNCED.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        files.MapGet("/{fileId:guid}/thumbnails/{size}", GetThumbnail)
            .WithName("GetFileThumbnail")
            .WithSummary("A thumbnail of a picture, or of a PDF's first page")
            .WithDescription("`size` is 200 or 800 (the long side, in pixels), as listed in the file's `thumbnails` once its `derivatives` are `ready`. Turned upright by the picture's EXIF orientation, with no EXIF or GPS. ETag and If-None-Match (304); `Cache-Control: private`. 404 while the derivatives are pending, failed or none.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return files;
    }

    public static async Task<Results<Ok<FileDetails>, ProblemHttpResult>> GetFile(
        Guid fileId, ClaimsPrincipal user, FileCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.DescribeAsync(user.TenantId(), fileId, cancellationToken) is { } details
            ? TypedResults.Ok(details)
            : Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "File not found", $"No file has the id {fileId}.");

    public static async Task<Results<Ok<FilePage>, ValidationProblem>> ListFiles(
        ClaimsPrincipal user,
        FileCatalog catalog,
        CancellationToken cancellationToken,
        [FromQuery] string? status = null,
        [FromQuery(Name = "external_id")] string? externalId = null,
        [FromQuery(Name = "batch_id")] string? batchId = null,
        [FromQuery] int? limit = null,
        [FromQuery] string? cursor = null)
    {
        var errors = new Dictionary<string, string[]>();
        FileStatus? wanted = null;
        if (status is not null)
        {
            if (Enum.TryParse<FileStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _))
            {
                wanted = parsed;
            }
            else
            {
                errors["status"] = [$"status is one of {string.Join(", ", StatusNames.All)}."];
            }
        }

        if (externalId is not null && UploadRequestValidator.ExternalIdProblem(externalId) is { } externalIdProblem)
        {
            errors["external_id"] = [externalIdProblem];
        }

        Guid? inBatch = null;
        if (batchId is not null)
        {
            if (Guid.TryParse(batchId, out var parsedBatch))
            {
                inBatch = parsedBatch;
            }
            else
            {
                errors["batch_id"] = ["batch_id is a batch's id (a UUID)."];
            }
        }

        if (limit is < 1 or > FileCatalog.MaxPageSize)
        {
            errors["limit"] = [$"limit is between 1 and {FileCatalog.MaxPageSize}."];
        }

        PageCursor? after = null;
        if (cursor is not null && !PageCursor.TryDecode(cursor, out after))
        {
            errors["cursor"] = ["cursor is the next_cursor of an earlier page."];
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        return TypedResults.Ok(await catalog.ListAsync(user.TenantId(), new FileFilter(wanted, externalId, inBatch), limit ?? FileCatalog.DefaultPageSize, after, cancellationToken));
    }

    public static Task<IResult> GetThumbnail(Guid fileId, string size, HttpContext http, ThumbnailContent thumbnails, CancellationToken cancellationToken) =>
        thumbnails.ReadAsync(http.User.TenantId(), fileId, size, http, cancellationToken);

    public static Task<IResult> GetContent(Guid fileId, HttpContext http, FileContent content, CancellationToken cancellationToken) =>
        content.ReadAsync(http.User.TenantId(), fileId, http, cancellationToken);
}
