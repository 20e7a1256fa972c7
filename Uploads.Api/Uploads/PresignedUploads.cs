using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Storage;

namespace Uploads.Api.Uploads;

/// <summary>Single-part uploads: a presigned POST form or PUT per file, or the file that already holds the declared digest.</summary>
public sealed class PresignedUploads(
    UploadsDatabases databases,
    UploadRecords records,
    PendingFileGroupCommit groupCommit,
    ObjectStorage storage,
    UploadMetrics metrics,
    IOptions<UploadOptions> options)
{
    readonly UploadOptions options = options.Value;

    /// <summary>
    /// A new PENDING file with its upload form, or — when a digest is declared — the file that already has it:
    /// SYNCED content answers as deduplicated, a PENDING upload answers with fresh fields for the same file.
    /// </summary>
    public async Task<UploadRequestOutcome<UploadTicket>> RequestUploadAsync(string tenantId, ValidatedUpload upload, CancellationToken cancellationToken)
    {
        if (upload.Sha256 is not null && await FindByDigestAsync(tenantId, upload, cancellationToken) is { } existing)
        {
            return existing;
        }

        var file = records.NewPending(tenantId, records.Allocate(tenantId), upload, options.UploadUrlLifetime, multipartUploadId: null);
        if (!await groupCommit.StoreAsync(file, cancellationToken))
        {
            // A concurrent identical request won the race for this digest: answer with its file.
            return await FindByDigestAsync(tenantId, upload, cancellationToken)
                ?? throw new InvalidOperationException($"The PENDING file with digest {upload.Sha256} vanished during the request.");
        }

        return new UploadRequestOutcome<UploadTicket>(await TicketAsync(file, upload.Method), IsNew: true, Conflict: null);
    }

    async Task<UploadRequestOutcome<UploadTicket>?> FindByDigestAsync(string tenantId, ValidatedUpload upload, CancellationToken cancellationToken)
    {
        var digest = upload.Sha256!;
        if (await records.FindSyncedAsync(tenantId, digest, upload.Size, cancellationToken) is { } synced)
        {
            return new UploadRequestOutcome<UploadTicket>(
                new UploadTicket(synced.Id, synced.Status, null, null, null, null, null, Deduplicated: true, TraceIds.Current), IsNew: false, Conflict: null);
        }

        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var pending = await db.Files.SingleOrDefaultAsync(f => f.Status == FileStatus.Pending && f.DeclaredSha256 == digest, cancellationToken);
        if (pending is null)
        {
            return null;
        }

        if (pending.MultipartUploadId is not null)
        {
            return new UploadRequestOutcome<UploadTicket>(null, IsNew: false,
                Conflict: $"File {pending.Id} is already being uploaded in parts with this digest: finish it, or let it expire.");
        }

        if (upload.Size is { } size && pending.DeclaredSize != size)
        {
            return new UploadRequestOutcome<UploadTicket>(null, IsNew: false,
                Conflict: $"File {pending.Id} is already waiting for this digest with a declared size of {pending.DeclaredSize?.ToString() ?? "none"}.");
        }

        var current = await records.WithLiveUrlsAsync(tenantId, pending, options.UploadUrlLifetime, cancellationToken);
        return current.Status == FileStatus.Pending
            ? new UploadRequestOutcome<UploadTicket>(await TicketAsync(current, upload.Method), IsNew: false, Conflict: null)
            // It moved on meanwhile (uploaded, expired): look again from the start.
            : await FindByDigestAsync(tenantId, upload, cancellationToken);
    }

    /// <summary>
    /// The upload fields of a PENDING single-part file again, its window renewed first when its URLs expired; only its
    /// state once it left PENDING.
    /// </summary>
    public async Task<UploadTicket> ReissueAsync(string tenantId, Guid fileId, UploadMethod method, CancellationToken cancellationToken)
    {
        FileRecord file;
        await using (var db = await databases.ForTenantAsync(tenantId, cancellationToken))
        {
            file = await db.Files.AsNoTracking().SingleAsync(f => f.Id == fileId, cancellationToken);
        }

        file = await records.WithLiveUrlsAsync(tenantId, file, options.UploadUrlLifetime, cancellationToken);
        return file.Status == FileStatus.Pending
            ? await TicketAsync(file, method)
            : new UploadTicket(file.Id, file.Status, null, null, null, null, null, Deduplicated: false, TraceIds.Current);
    }

    /// <summary>The upload form (or PUT) of a PENDING single-part file, signed until its upload window closes.</summary>
    public async Task<UploadTicket> TicketAsync(FileRecord file, UploadMethod method)
    {
        if (method == UploadMethod.Put)
        {
            // Validation required a size, and a PENDING file found by digest has the same declared size.
            var length = file.DeclaredSize ?? throw new InvalidOperationException($"File {file.Id} has no declared size to sign a PUT for.");
            var url = await storage.PresignUploadPutAsync(file.UploadKey, file.ContentType, length, file.UploadExpiresAt);
            metrics.PresignedPut();
            return new UploadTicket(file.Id, file.Status, url.ToString(), "PUT", null,
                new Dictionary<string, string> { ["Content-Type"] = file.ContentType }, file.UploadExpiresAt, Deduplicated: false, TraceIds.Current);
        }

        var (minLength, maxLength) = file.DeclaredSize is { } size ? (size, size) : (0L, options.MaxFileBytes);
        var form = await storage.CreateUploadFormAsync(file.UploadKey, file.ContentType, minLength, maxLength, file.UploadExpiresAt);
        metrics.PresignedPost();
        return new UploadTicket(file.Id, file.Status, form.Url.ToString(), "POST", form.Fields, null, file.UploadExpiresAt, Deduplicated: false, TraceIds.Current);
    }
}

/// <summary>A ticket, and whether it is a new file; or, instead, why the request conflicts with a file that exists.</summary>
public sealed record UploadRequestOutcome<TTicket>(TTicket? Ticket, bool IsNew, string? Conflict) where TTicket : class;
