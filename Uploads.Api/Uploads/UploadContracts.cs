using Uploads.Domain.Files;

namespace Uploads.Api.Uploads;

/// <summary>Asks for a presigned POST for one file.</summary>
/// <param name="Filename">1–255 characters, no path separators, no control characters.</param>
/// <param name="ExternalId">The caller's own reference (at most 128 characters).</param>
/// <param name="ContentType">Defaults from the extension; must be allowed by configuration.</param>
/// <param name="Size">Bytes the caller intends to upload; pinned in the policy and enforced at confirmation.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the content; verified by the worker.</param>
public sealed record UploadRequest(string? Filename, string? ExternalId, string? ContentType, long? Size, string? Sha256);

/// <summary>Tells the API which uploads finished.</summary>
public sealed record ConfirmUploadsRequest(IReadOnlyList<UploadedFile?>? Files);

/// <param name="FileId">The id the presigned-upload answer gave.</param>
/// <param name="FileSize">The bytes the client uploaded.</param>
public sealed record UploadedFile(Guid? FileId, long? FileSize);

/// <summary>Where and how to upload one file, or, when deduplicated, the file that already holds its content.</summary>
public sealed record UploadTicket(
    Guid FileId,
    FileStatus Status,
    string? UploadUrl,
    IReadOnlyDictionary<string, string>? FormFields,
    DateTimeOffset? ExpiresAt,
    bool Deduplicated,
    string TraceId);

public sealed record ConfirmUploadsResponse(int Confirmed, IReadOnlyList<ConfirmationResult> Results, string TraceId);

public sealed record ConfirmationResult(Guid FileId, FileStatus? Status, ConfirmationError? Error);

/// <param name="Code">One of FILE_NOT_FOUND, OBJECT_MISSING, SIZE_MISMATCH, EXPIRED, FAILED.</param>
/// <param name="Detail">What is wrong, for a person.</param>
public sealed record ConfirmationError(string Code, string Detail);
