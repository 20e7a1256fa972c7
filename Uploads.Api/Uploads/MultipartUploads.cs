using Amazon.S3;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Storage;

namespace Uploads.Api.Uploads;

/// <summary>
/// Large files in parts: a presigned PUT per part (uploaded in parallel, retried one by one, resumable), then one call
/// that completes the object and confirms the file. The confirmation is the same as for a single POST.
/// </summary>
public sealed class MultipartUploads(
    UploadsDatabases databases,
    UploadRecords records,
    UploadConfirmations confirmations,
    ObjectStorage storage,
    UploadMetrics metrics,
    IOptions<UploadOptions> options)
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

        var allocated = records.Allocate(tenantId);
        var uploadId = await storage.StartMultipartUploadAsync(allocated.UploadKey, upload.ContentType, cancellationToken);
        var file = await records.CreatePendingAsync(tenantId, allocated, upload, options.MultipartUploadLifetime, uploadId, cancellationToken);
        if (file is null)
        {
            await storage.AbortMultipartUploadAsync(allocated.UploadKey, uploadId, CancellationToken.None);
            return new(null, IsNew: false, Conflict: "An upload of this digest is already pending: finish it, or let it expire.");
        }

        return new(await TicketAsync(file, new Dictionary<int, string>()), IsNew: true, Conflict: null);
    }

    /// <summary>Fresh part URLs for a PENDING multipart file, with the parts storage already holds: how a client resumes.</summary>
    public async Task<MultipartUploadTicket?> ResumeAsync(string tenantId, Guid fileId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.MultipartUploadId != null, cancellationToken);
        if (file is null || file.Status != FileStatus.Pending)
        {
            return file is null ? null : new MultipartUploadTicket(file.Id, file.Status, PartSizeFor(file.DeclaredSize!.Value), null, null, false, TraceIds.Current);
        }

        var stored = await storage.ListPartsAsync(file.UploadKey, file.MultipartUploadId!, cancellationToken);
        return await TicketAsync(file, stored);
    }

    /// <summary>Completes the object from its parts, then confirms the file exactly as <c>confirm-uploads</c> does.</summary>
    public async Task<(ConfirmationResult? Result, string? InvalidParts)> CompleteAsync(
        string tenantId, Guid fileId, IReadOnlyList<(int Number, string ETag)> parts, CancellationToken cancellationToken)
    {
        FileRecord? file;
        await using (var db = await databases.ForTenantAsync(tenantId, cancellationToken))
        {
            file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId && f.MultipartUploadId != null, cancellationToken);
        }

        if (file is null)
        {
            return (null, null);
        }

        if (file.Status == FileStatus.Pending)
        {
            var expected = PartCount(file.DeclaredSize!.Value);
            if (parts.Count != expected)
            {
                return (null, $"The file has {expected} parts; {parts.Count} were listed.");
            }

            try
            {
                await storage.CompleteMultipartUploadAsync(file.UploadKey, file.MultipartUploadId!, parts, cancellationToken);
            }
            catch (AmazonS3Exception ex) when ((int)ex.StatusCode is >= 400 and < 500)
            {
                return (null, $"Storage refused the parts: {ex.ErrorCode} {ex.Message}");
            }
        }

        var results = await confirmations.ConfirmAsync(tenantId, [new ConfirmedUpload(fileId, file.DeclaredSize!.Value)], cancellationToken);
        return (results[0], null);
    }

    int PartCount(long size)
    {
        var partSize = PartSizeFor(size);
        return (int)Math.Max(1, (size + partSize - 1) / partSize);
    }

    async Task<MultipartUploadTicket> TicketAsync(FileRecord file, IReadOnlyDictionary<int, string> stored)
    {
        var size = file.DeclaredSize!.Value;
        var partSize = PartSizeFor(size);
        var count = PartCount(size);
        var parts = new List<PartUpload>(count);
        for (var number = 1; number <= count; number++)
        {
            var length = number < count ? partSize : size - (count - 1) * partSize;
            var url = await storage.PresignPartAsync(file.UploadKey, file.MultipartUploadId!, number, length, file.UploadExpiresAt);
            parts.Add(new PartUpload(number, url.ToString(), stored.GetValueOrDefault(number)));
        }

        metrics.PresignedParts(count);

        return new MultipartUploadTicket(file.Id, file.Status, partSize, parts, file.UploadExpiresAt, Deduplicated: false, TraceIds.Current);
    }
}
