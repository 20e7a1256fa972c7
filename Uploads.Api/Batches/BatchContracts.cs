using Uploads.Api.Uploads;
using Uploads.Domain.Batches;
using Uploads.Domain.Files;

namespace Uploads.Api.Batches;

/// <summary>Opens a batch with its first files, or adds them to the tenant's batch of the same <paramref name="ExternalId"/>.</summary>
/// <param name="ExternalId">The caller's name for the batch (at most 128 characters), unique within the tenant.</param>
/// <param name="Files">1 to 1,000 files, each as in <c>POST /files/presigned-upload</c>; <c>size</c> is required.</param>
public sealed record BatchRequest(string? ExternalId, IReadOnlyList<UploadRequest?>? Files);

/// <summary>Adds files to a batch.</summary>
/// <param name="Files">1 to 1,000 files, each as in <c>POST /files/presigned-upload</c>; <c>size</c> is required.</param>
public sealed record BatchFilesRequest(IReadOnlyList<UploadRequest?>? Files);

/// <summary>The batch, and how to upload each file of the request, in the request's order.</summary>
public sealed record BatchTicket(Guid BatchId, string? ExternalId, IReadOnlyList<BatchFileTicket> Files, string TraceId);

/// <summary>
/// One file of the request: a single <paramref name="Upload"/> (POST form or PUT), a <paramref name="Multipart"/> upload
/// (files over one part; a part with an <c>etag</c> is stored already), nothing when the content is SYNCED already
/// (<paramref name="Deduplicated"/>), or an <paramref name="Error"/> that leaves the other files alone.
/// </summary>
/// <param name="Index">The file's position in the request.</param>
/// <param name="FileId">The file, new or the one that holds its digest; none with an error.</param>
/// <param name="Status">The file's state: PENDING while there is something to send.</param>
/// <param name="Deduplicated">True when the content is SYNCED already: nothing to send.</param>
/// <param name="Upload">A single upload: a POST form or a PUT.</param>
/// <param name="Multipart">An upload in parts; complete it with <c>POST /files/{id}/complete-multipart</c>.</param>
/// <param name="Error">Why this file was refused (<c>DIGEST_CONFLICT</c>); the others go on.</param>
public sealed record BatchFileTicket(
    int Index, Guid? FileId, FileStatus? Status, bool Deduplicated, UploadTicket? Upload, MultipartUploadTicket? Multipart, ConfirmationError? Error);

/// <summary>A batch and where its files stand.</summary>
/// <param name="BatchId">The batch's id.</param>
/// <param name="ExternalId">The caller's name for it.</param>
/// <param name="CreatedAt">When it was opened.</param>
/// <param name="TotalFiles">The files of the batch.</param>
/// <param name="Synced">Files SYNCED.</param>
/// <param name="Failed">Files FAILED or EXPIRED.</param>
/// <param name="Pending">Files not settled yet: PENDING, UPLOADED or SYNCING.</param>
/// <param name="BytesTotal">The files' sizes (stored, or declared until stored).</param>
/// <param name="BytesSynced">The SYNCED files' sizes.</param>
/// <param name="Progress">The share of files settled (SYNCED, FAILED or EXPIRED), from 0 to 1.</param>
/// <param name="Status">IN_PROGRESS until every file settled, then COMPLETED, or COMPLETED_WITH_FAILURES when some failed.</param>
/// <param name="TraceId">The request's trace, for support.</param>
public sealed record BatchView(
    Guid BatchId,
    string? ExternalId,
    DateTimeOffset CreatedAt,
    int TotalFiles,
    int Synced,
    int Failed,
    int Pending,
    long BytesTotal,
    long BytesSynced,
    double Progress,
    BatchStatus Status,
    string TraceId)
{
    public static BatchView From(Batch batch, BatchProgress progress, string traceId) => new(
        batch.Id, batch.ExternalId, batch.CreatedAt, progress.TotalFiles, progress.Synced, progress.Failed, progress.Pending,
        progress.BytesTotal, progress.BytesSynced, progress.Progress, progress.Status, traceId);
}

/// <param name="Batches">Newest first.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last page.</param>
/// <param name="TraceId">The request's trace, for support.</param>
public sealed record BatchPage(IReadOnlyList<BatchView> Batches, string? NextCursor, string TraceId);
