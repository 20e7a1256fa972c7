using Amazon.S3;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Uploads.Api.Problems;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Storage;

namespace Uploads.Api.Uploads;

/// <summary>
/// Large files in parts: a presigned PUT per part (uploaded in parallel, retried one by one, resumable), then one call
/// that completes the object and confirms the file. The confirmation is the same as for a single POST. A file may also be
/// started without a size (the Companion protocol): its parts are then signed one by one, and its size checked once complete.
/// </summary>
public sealed class MultipartUploads(
    UploadsDatabases databases,
    UploadRecords records,
    UploadConfirmations confirmations,
    ObjectStorage storage,
    UploadMetrics metrics,
    IOptions<UploadOptions> options,
    TimeProvider clock)
{
    const long MiB = 1024 * 1024;
    public const long MinPartBytes = 5 * MiB;
    public const int MaxParts = 10_000;
    readonly UploadOptions options = options.Value;

    /// <summary>The configured part size, or more when the file would need over 10,000 parts; whole MiB.</summary>
    public long PartSizeFor(long size)
    {
        var needed = (size + MaxParts - 1) / MaxParts;
        var partSize = Math.Max(options.MultipartPartBytes, needed);
        return (partSize + MiB - 1) / MiB * MiB;
    }

    public async Task<UploadRequestOutcome<MultipartUploadTicket>> StartAsync(string tenantId, ValidatedUpload upload, CancellationToken cancellationToken)
    {
        var size = upload.Size!.Value;
        if (upload.Sha256 is { } digest && await records.FindSyncedAsync(tenantId, digest, size, cancellationToken) is { } synced)
        {
            return new(new MultipartUploadTicket(synced.Id, synced.Status, PartSizeFor(size), null, null, Deduplicated: true, TraceIds.Current), IsNew: false, Conflict: null);
        }

        return await CreateAsync(tenantId, upload, cancellationToken) switch
        {
            null => new(null, IsNew: false, Conflict: "An upload of this digest is already pending: finish it, or let it expire."),
            var file => new(await TicketAsync(file, new Dictionary<int, StoredPart>()), IsNew: true, Conflict: null),
        };
    }

    /// <summary>
    /// Starts the multipart upload in storage and records the file PENDING; null (and the storage upload aborted) when a
    /// concurrent request with the same digest won the race.
    /// </summary>
    public async Task<FileRecord?> CreateAsync(string tenantId, ValidatedUpload upload, CancellationToken cancellationToken)
    {
        var allocated = records.Allocate(tenantId);
        var uploadId = await storage.StartMultipartUploadAsync(allocated.UploadKey, upload.ContentType, cancellationToken);
        var file = await records.CreatePendingAsync(tenantId, allocated, upload, options.MultipartUploadLifetime, uploadId, cancellationToken);
        if (file is null)
        {
            await storage.AbortMultipartUploadAsync(allocated.UploadKey, uploadId, CancellationToken.None);
        }

        return file;
    }

    /// <summary>The tenant's multipart file with this id; null when there is none.</summary>
    public async Task<FileRecord?> FindAsync(string tenantId, Guid fileId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        return await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.MultipartUploadId != null, cancellationToken);
    }

    /// <summary>
    /// The tenant's multipart file that storage knows as <paramref name="key"/> and <paramref name="uploadId"/> (how the
    /// Companion protocol names an upload); null when the key is not one of this tenant's uploads or the id is not its upload's.
    /// </summary>
    public async Task<FileRecord?> FindByUploadAsync(string tenantId, string key, string uploadId, CancellationToken cancellationToken)
    {
        if (!ObjectKeys.TryParseUpload(key, out var keyTenant, out var fileId) || keyTenant != tenantId)
        {
            return null;
        }

        var file = await FindAsync(tenantId, fileId, cancellationToken);
        return file?.MultipartUploadId == uploadId ? file : null;
    }

    /// <summary>
    /// Fresh part URLs for a PENDING multipart file, with the parts storage already holds: how a client resumes. URLs that
    /// expired are signed anew for another <c>MultipartUploadLifetime</c>, as long as the reconciler has not expired the file.
    /// </summary>
    public async Task<MultipartUploadTicket> ResumeAsync(string tenantId, FileRecord file, CancellationToken cancellationToken)
    {
        file = await WithLiveUrlsAsync(tenantId, file, cancellationToken);
        if (file.Status != FileStatus.Pending)
        {
            return new MultipartUploadTicket(file.Id, file.Status, PartSizeFor(file.DeclaredSize ?? 0), null, null, false, TraceIds.Current);
        }

        return await TicketAsync(file, await ListStoredPartsAsync(file, cancellationToken));
    }

    /// <summary>The file, its upload window renewed first when its URLs expired while it is still PENDING.</summary>
    public Task<FileRecord> WithLiveUrlsAsync(string tenantId, FileRecord file, CancellationToken cancellationToken) =>
        records.WithLiveUrlsAsync(tenantId, file, options.MultipartUploadLifetime, cancellationToken);

    public Task<IReadOnlyDictionary<int, StoredPart>> ListStoredPartsAsync(FileRecord file, CancellationToken cancellationToken) =>
        storage.ListPartsAsync(file.UploadKey, file.MultipartUploadId!, cancellationToken);

    /// <summary>
    /// Presigned PUTs for the given parts of a PENDING file, each signed for its exact length when the file's size is known;
    /// null when a number is not one of the file's parts.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, Uri>?> SignPartsAsync(FileRecord file, IReadOnlyList<int> partNumbers)
    {
        var count = file.DeclaredSize is { } size ? PartCount(size) : MaxParts;
        if (partNumbers.Any(number => number < 1 || number > count))
        {
            return null;
        }

        var urls = new Dictionary<int, Uri>(partNumbers.Count);
        foreach (var number in partNumbers)
        {
            urls[number] = await storage.PresignPartAsync(file.UploadKey, file.MultipartUploadId!, number, PartLength(file, number), file.UploadExpiresAt);
        }

        metrics.PresignedParts(urls.Count);
        return urls;
    }

    /// <summary>
    /// Completes the object from its parts, then confirms the file exactly as <c>confirm-uploads</c> does. A digest the
    /// client computed while uploading (<paramref name="sha256"/>) is declared first, for the worker to verify.
    /// </summary>
    public async Task<MultipartCompletion> CompleteAsync(
        string tenantId, FileRecord file, IReadOnlyList<(int Number, string ETag)> parts, string? sha256, CancellationToken cancellationToken)
    {
        if (file.Status == FileStatus.Pending)
        {
            if (file.DeclaredSize is { } declaredSize && parts.Count != PartCount(declaredSize))
            {
                return MultipartCompletion.Refused(CompletionRefusal.InvalidParts, $"The file has {PartCount(declaredSize)} parts; {parts.Count} were listed.");
            }

            if (sha256 is not null && await DeclareDigestAsync(tenantId, file.Id, sha256, cancellationToken) is { } refusal)
            {
                return refusal;
            }

            try
            {
                await storage.CompleteMultipartUploadAsync(file.UploadKey, file.MultipartUploadId!, parts, cancellationToken);
            }
            catch (AmazonS3Exception ex) when ((int)ex.StatusCode is >= 400 and < 500)
            {
                return MultipartCompletion.Refused(CompletionRefusal.InvalidParts, $"Storage refused the parts: {ex.ErrorCode} {ex.Message}");
            }
        }

        // Without a declared size nobody claims one: the confirmation takes what storage holds, within the maximum.
        var results = await confirmations.ConfirmAsync(tenantId, [new ConfirmedUpload(file.Id, file.DeclaredSize)], cancellationToken);
        return new MultipartCompletion(results[0], CompletionRefusal.None, null);
    }

    async Task<MultipartCompletion?> DeclareDigestAsync(string tenantId, Guid fileId, string sha256, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var file = await db.Files.SingleAsync(f => f.Id == fileId, cancellationToken);
        if (file.Status != FileStatus.Pending || file.DeclaredSha256 == sha256)
        {
            return null;
        }

        if (file.DeclaredSha256 is { } declared)
        {
            return MultipartCompletion.Refused(CompletionRefusal.DigestMismatch, $"The upload was started with the digest {declared}; the completion says {sha256}.");
        }

        file.DeclareDigest(sha256, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: DatabaseNames.PendingDigestIndex })
        {
            return MultipartCompletion.Refused(CompletionRefusal.DigestConflict, "Another upload of this digest is pending: finish it, or let it expire.");
        }
        catch (DbUpdateConcurrencyException)
        {
            // Confirmed, cancelled or expired meanwhile: the confirmation that follows answers with that state.
            return null;
        }
    }

    /// <summary>
    /// Cancels a PENDING multipart file: it becomes EXPIRED (reason CANCELLED) first, so that no confirmation can race it,
    /// then storage frees its parts and whatever object was made. The file is null when there is none; Cancelled is false
    /// when it had already left PENDING.
    /// </summary>
    public async Task<(FileRecord? File, bool Cancelled)> CancelAsync(string tenantId, Guid fileId, CancellationToken cancellationToken)
    {
        FileRecord? file;
        while (true)
        {
            await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
            file = await db.Files.SingleOrDefaultAsync(f => f.Id == fileId && f.MultipartUploadId != null, cancellationToken);
            if (file is null || file.Status != FileStatus.Pending)
            {
                return (file, false);
            }

            file.MarkCancelled(clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateConcurrencyException)
            {
            }
        }

        await storage.DiscardUploadAsync(file.UploadKey, file.MultipartUploadId, cancellationToken);
        return (file, true);
    }

    int PartCount(long size)
    {
        var partSize = PartSizeFor(size);
        return (int)Math.Max(1, (size + partSize - 1) / partSize);
    }

    long? PartLength(FileRecord file, int number)
    {
        if (file.DeclaredSize is not { } size)
        {
            return null;
        }

        var partSize = PartSizeFor(size);
        return number < PartCount(size) ? partSize : size - (PartCount(size) - 1) * partSize;
    }

    /// <summary>Every part's presigned PUT for a PENDING file of known size; a part storage already holds carries its ETag.</summary>
    public async Task<MultipartUploadTicket> TicketAsync(FileRecord file, IReadOnlyDictionary<int, StoredPart> stored)
    {
        var partNumbers = Enumerable.Range(1, PartCount(file.DeclaredSize!.Value)).ToList();
        var urls = await SignPartsAsync(file, partNumbers);
        var parts = partNumbers.Select(number => new PartUpload(number, urls![number].ToString(), stored.GetValueOrDefault(number)?.ETag)).ToList();
        return new MultipartUploadTicket(file.Id, file.Status, PartSizeFor(file.DeclaredSize!.Value), parts, file.UploadExpiresAt, Deduplicated: false, TraceIds.Current);
    }
}

public enum CompletionRefusal
{
    None,
    InvalidParts,
    DigestMismatch,
    DigestConflict,
}

/// <summary>A completion's confirmation, or why the completion was refused before storage assembled anything.</summary>
public sealed record MultipartCompletion(ConfirmationResult? Confirmation, CompletionRefusal Refusal, string? Detail)
{
    public static MultipartCompletion Refused(CompletionRefusal refusal, string detail) => new(null, refusal, detail);
}
