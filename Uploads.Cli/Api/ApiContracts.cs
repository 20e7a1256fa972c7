namespace Uploads.Cli.Api;

// The API's JSON, as far as the client reads it (snake_case on the wire; see the API's OpenAPI document).

public sealed record FileToUpload(string Filename, string? ExternalId, long Size, string Sha256, string Method = "PUT");

public sealed record BatchTicket(Guid BatchId, string? ExternalId, IReadOnlyList<BatchFileTicket> Files);

public sealed record BatchFileTicket(int Index, Guid? FileId, string? Status, bool Deduplicated, UploadTicket? Upload, MultipartTicket? Multipart, FileError? Error);

public sealed record UploadTicket(Guid FileId, string Status, string? UploadUrl, string? Method, IReadOnlyDictionary<string, string>? Headers);

public sealed record MultipartTicket(Guid FileId, string Status, long PartSize, IReadOnlyList<PartTicket>? Parts);

public sealed record PartTicket(int PartNumber, string Url, string? Etag);

public sealed record FileError(string Code, string Detail);

public sealed record ConfirmationResult(Guid FileId, string? Status, FileError? Error);

public sealed record ConfirmationResponse(int Confirmed, IReadOnlyList<ConfirmationResult> Results);

public sealed record BatchView(
    Guid BatchId, string? ExternalId, DateTimeOffset CreatedAt, int TotalFiles, int Synced, int Failed, int Pending,
    long BytesTotal, long BytesSynced, double Progress, string Status)
{
    public bool IsSettled => Status != "IN_PROGRESS";
}

public sealed record BatchPage(IReadOnlyList<BatchView> Batches, string? NextCursor);

public sealed record FileSummary(Guid FileId, string Filename, string? ExternalId, long? Size, string? Sha256, string Status, string? FailureReason, DateTimeOffset CreatedAt);

public sealed record FilePage(IReadOnlyList<FileSummary> Files, string? NextCursor);

public sealed record ProblemDetails(int? Status, string? Title, string? Detail, string? Code, string? TraceId);
