using Uploads.Domain.Files;

namespace Uploads.Api.Uploads;

/// <summary>Asks for a presigned POST (or PUT) for one file.</summary>
/// <param name="Filename">1–255 characters, no path separators, no control characters.</param>
/// <param name="ExternalId">The caller's own reference (at most 128 characters).</param>
/// <param name="ContentType">Defaults from the extension; must be allowed by configuration.</param>
/// <param name="Size">Bytes the caller intends to upload; pinned in the policy and enforced at confirmation.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the content; verified by the worker.</param>
/// <param name="Method">
/// <c>POST</c> (a form upload) or <c>PUT</c> (the body is the file, for clients and stores without form uploads:
/// <c>curl -T</c>, Cloudflare R2); the configured default when absent. A PUT needs <c>size</c>: its exact length is signed.
/// </param>
public sealed record UploadRequest(string? Filename, string? ExternalId, string? ContentType, long? Size, string? Sha256, string? Method = null);

/// <summary>Tells the API which uploads finished.</summary>
public sealed record ConfirmUploadsRequest(IReadOnlyList<UploadedFile?>? Files);

/// <param name="FileId">The id the presigned-upload answer gave.</param>
/// <param name="FileSize">The bytes the client uploaded.</param>
public sealed record UploadedFile(Guid? FileId, long? FileSize);

/// <summary>Where and how to upload one file, or, when deduplicated, the file that already holds its content.</summary>
/// <param name="FileId">The file's id, for confirming it and reading it back.</param>
/// <param name="Status">PENDING for a new upload; SYNCED when deduplicated.</param>
/// <param name="UploadUrl">Where to send the file; none when deduplicated.</param>
/// <param name="Method"><c>POST</c>: a form with <paramref name="FormFields"/>, the file last. <c>PUT</c>: the file as the body, with <paramref name="Headers"/>.</param>
/// <param name="FormFields">A POST's form fields, sent before the file.</param>
/// <param name="Headers">What a PUT must send, exactly: they are signed (<c>Content-Type</c>).</param>
/// <param name="ExpiresAt">When the URL stops working.</param>
/// <param name="Deduplicated">True when the content is already SYNCED as this file: nothing to upload.</param>
/// <param name="TraceId">The request's trace, for support.</param>
public sealed record UploadTicket(
    Guid FileId,
    FileStatus Status,
    string? UploadUrl,
    string? Method,
    IReadOnlyDictionary<string, string>? FormFields,
    IReadOnlyDictionary<string, string>? Headers,
    DateTimeOffset? ExpiresAt,
    bool Deduplicated,
    string TraceId);

public sealed record ConfirmUploadsResponse(int Confirmed, IReadOnlyList<ConfirmationResult> Results, string TraceId);

public sealed record ConfirmationResult(Guid FileId, FileStatus? Status, ConfirmationError? Error);

/// <param name="Code">One of FILE_NOT_FOUND, OBJECT_MISSING, SIZE_MISMATCH, EXPIRED, FAILED.</param>
/// <param name="Detail">What is wrong, for a person.</param>
public sealed record ConfirmationError(string Code, string Detail);
