using System.Text.Json.Serialization;
using Uploads.Domain.Files;

namespace Uploads.Api.Uploads;

/// <summary>Asks for a multipart upload of one large file: the same fields as a presigned upload, the size required.</summary>
public sealed record MultipartUploadRequest(string? Filename, string? ExternalId, string? ContentType, long? Size, string? Sha256);

/// <summary>Where to PUT each part. A part with an <c>etag</c> is already stored and need not be sent again.</summary>
/// <param name="FileId">The file, PENDING until completed.</param>
/// <param name="Status">PENDING; SYNCED when deduplicated.</param>
/// <param name="PartSize">Bytes of every part but the last.</param>
/// <param name="Parts">One presigned PUT per part; none when deduplicated.</param>
/// <param name="ExpiresAt">When the part URLs stop working.</param>
/// <param name="Deduplicated">The content is already stored: nothing needs uploading.</param>
/// <param name="TraceId">The request's W3C trace id.</param>
public sealed record MultipartUploadTicket(
    Guid FileId, FileStatus Status, long PartSize, IReadOnlyList<PartUpload>? Parts, DateTimeOffset? ExpiresAt, bool Deduplicated, string TraceId);

/// <param name="PartNumber">1-based, in file order.</param>
/// <param name="Url">A presigned PUT for this part's bytes.</param>
/// <param name="ETag">Set when storage already holds this part (where it can list parts: S3, MinIO).</param>
public sealed record PartUpload(int PartNumber, string Url, [property: JsonPropertyName("etag")] string? ETag);

/// <summary>The parts the client uploaded, with the ETag storage answered each PUT with.</summary>
/// <param name="Parts">Every part, numbered from 1.</param>
/// <param name="Sha256">
/// The digest the client computed while uploading, when it did not declare one at the start (hashing a large file need not
/// delay its upload); the worker verifies it as a declared digest.
/// </param>
public sealed record CompleteMultipartRequest(IReadOnlyList<CompletedPart?>? Parts, string? Sha256 = null);

public sealed record CompletedPart(int? PartNumber, [property: JsonPropertyName("etag")] string? ETag);

/// <summary>Where a file's upload stands after a request that ended it.</summary>
/// <param name="FileId">The file.</param>
/// <param name="Status">EXPIRED once cancelled.</param>
/// <param name="Reason">Why it left PENDING (CANCELLED).</param>
/// <param name="TraceId">The request's W3C trace id.</param>
public sealed record FileUploadState(Guid FileId, FileStatus Status, string? Reason, string TraceId);
