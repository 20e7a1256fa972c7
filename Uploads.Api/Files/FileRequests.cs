namespace Uploads.Api.Files;

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
