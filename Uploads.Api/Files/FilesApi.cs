using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Files;

public static class FilesApi
{
    public static RouteGroupBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/files").WithTags("Files");

        files.MapPost("/presigned-upload", RequestUpload)
            .WithName("RequestUpload")
            .WithSummary("Ask for a presigned POST for one file")
            .WithDescription("Creates a PENDING file and returns the URL and form fields for a multipart/form-data POST straight to storage. The file goes last, in a field named `file`.");

        files.MapPost("/confirm-uploads", ConfirmUploads)
            .WithName("ConfirmUploads")
            .WithSummary("Tell the API which uploads finished")
            .WithDescription("Checks each object in storage and moves the file to UPLOADED, which starts its sync. A per-file problem is reported in that file's `error` and does not fail the others. Confirming again changes nothing.");

        files.MapGet("/{fileId:guid}", GetFile)
            .WithName("GetFile")
            .WithSummary("A file's metadata and the history of its states");

        return files;
    }

    public static async Task<Results<Created<UploadTicket>, ValidationProblem, ProblemHttpResult>> RequestUpload(
        UploadRequest request, FileUploads uploads, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var validation = UploadRequestValidator.Validate(request, options.Value);
        switch (validation.Rejection)
        {
            case UploadRejection.Invalid:
                return Invalid(validation.Errors);
            case UploadRejection.TooLarge:
                return Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.FileTooLarge, "File too large", validation.Errors["size"][0]);
            case UploadRejection.UnsupportedContentType:
                return Problem(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedContentType, "Content type not allowed", validation.Errors["content_type"][0]);
        }

        var ticket = await uploads.RequestUploadAsync(validation.Upload!, cancellationToken);
        return TypedResults.Created($"/files/{ticket.FileId}", ticket);
    }

    public static async Task<Results<Ok<ConfirmUploadsResponse>, ValidationProblem>> ConfirmUploads(
        ConfirmUploadsRequest request, FileUploads uploads, IOptions<UploadOptions> options, CancellationToken cancellationToken)
    {
        var (files, errors) = ConfirmRequestValidator.Validate(request, options.Value);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var results = new List<ConfirmationResult>(files.Count);
        foreach (var file in files)
        {
            results.Add(await uploads.ConfirmAsync(file, cancellationToken));
        }

        var confirmed = results.Count(r => r.Error is null);
        return TypedResults.Ok(new ConfirmUploadsResponse(confirmed, results, TraceIds.Current));
    }

    public static async Task<Results<Ok<FileDetails>, ProblemHttpResult>> GetFile(
        Guid fileId, FileUploads uploads, CancellationToken cancellationToken) =>
        await uploads.DescribeAsync(fileId, cancellationToken) is { } details
            ? TypedResults.Ok(details)
            : Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "File not found", $"No file has the id {fileId}.");
}
