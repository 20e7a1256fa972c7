using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Core.Contracts;
using Npgsql;
using Uploads.Core.Data;
using Uploads.Core.Files;
using Uploads.Core.Storage;
using Uploads.Core.Telemetry;

namespace Uploads.Api.Files;

/// <summary>The API's use cases for files: issue upload tickets, confirm uploads, describe a file.</summary>
public sealed class FileUploads(
    UploadsDatabases databases,
    ObjectStorage storage,
    IBus publisher,
    UploadMetrics metrics,
    IOptions<UploadOptions> options,
    TimeProvider clock,
    ILogger<FileUploads> logger)
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

        var now = clock.GetUtcNow();
        var fileId = Guid.CreateVersion7(now);
        var file = FileRecord.Request(
            fileId, tenantId, upload.Filename, upload.ExternalId, upload.ContentType, ObjectKeys.For(tenantId, fileId),
            upload.Size, upload.Sha256, now + options.UploadUrlLifetime, now);

        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        db.Files.Add(file);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: DatabaseNames.PendingDigestIndex })
        {
            // A concurrent identical request won the race for this digest: answer with its file.
            return await FindByDigestAsync(tenantId, upload, cancellationToken)
                ?? throw new InvalidOperationException($"The PENDING file with digest {upload.Sha256} vanished during the request.", ex);
        }

        return new UploadRequestOutcome<UploadTicket>(await TicketAsync(file), IsNew: true, Conflict: null);
    }

    async Task<UploadRequestOutcome<UploadTicket>?> FindByDigestAsync(string tenantId, ValidatedUpload upload, CancellationToken cancellationToken)
    {
        var digest = upload.Sha256!;
        if (await FindSyncedAsync(tenantId, digest, upload.Size, cancellationToken) is { } synced)
        {
            return new UploadRequestOutcome<UploadTicket>(
                new UploadTicket(synced.Id, synced.Status, null, null, null, Deduplicated: true, TraceIds.Current), IsNew: false, Conflict: null);
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

        var now = clock.GetUtcNow();
        if (now >= pending.UploadExpiresAt)
        {
            pending.RenewUploadWindow(now + options.UploadUrlLifetime, now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // It moved on meanwhile (uploaded, expired): look again from the start.
                return await FindByDigestAsync(tenantId, upload, cancellationToken);
            }
        }

        return new UploadRequestOutcome<UploadTicket>(await TicketAsync(pending), IsNew: false, Conflict: null);
    }

    /// <summary>The tenant's first SYNCED file with this content, if any: what deduplication answers with.</summary>
    public async Task<FileRecord?> FindSyncedAsync(string tenantId, string digest, long? size, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        return await db.Files.AsNoTracking()
            .Where(f => f.Status == FileStatus.Synced && f.Sha256 == digest && (size == null || f.Size == size))
            .OrderBy(f => f.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    async Task<UploadTicket> TicketAsync(FileRecord file)
    {
        var (minLength, maxLength) = file.DeclaredSize is { } size ? (size, size) : (0L, options.MaxFileBytes);
        var form = await storage.CreateUploadFormAsync(file.ObjectKey, file.ContentType, minLength, maxLength, file.UploadExpiresAt);
        metrics.PresignedPost();
        return new UploadTicket(file.Id, file.Status, form.Url.ToString(), form.Fields, file.UploadExpiresAt, Deduplicated: false, TraceIds.Current);
    }

    /// <summary>
    /// Confirms each file on its own (one file's problem does not fail the others), then publishes one
    /// <c>FileUploaded</c> per file that became UPLOADED — also when a later file threw.
    /// </summary>
    public async Task<IReadOnlyList<ConfirmationResult>> ConfirmAsync(string tenantId, IReadOnlyList<ConfirmedUpload> uploads, CancellationToken cancellationToken)
    {
        var results = new List<ConfirmationResult>(uploads.Count);
        var uploaded = new List<FileRecord>();
        try
        {
            foreach (var upload in uploads)
            {
                using var scope = logger.BeginScope(UploadsTracing.FileScope(upload.FileId));
                var (result, newlyUploaded) = await ConfirmOneAsync(tenantId, upload, cancellationToken);
                metrics.Confirmed(result, newlyUploaded is not null);
                results.Add(result);
                if (newlyUploaded is not null)
                {
                    uploaded.Add(newlyUploaded);
                }
            }
        }
        finally
        {
            await PublishUploadedAsync(uploaded);
        }

        return results;
    }

    async Task<(ConfirmationResult Result, FileRecord? NewlyUploaded)> ConfirmOneAsync(string tenantId, ConfirmedUpload upload, CancellationToken cancellationToken)
    {
        // Each round reads the file afresh; a lost race (another confirmation, the expiry) shows up as a concurrency conflict.
        while (true)
        {
            await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
            var file = await db.Files.SingleOrDefaultAsync(f => f.Id == upload.FileId, cancellationToken);
            if (file is null)
            {
                return (Rejected(upload.FileId, null, ConfirmationCodes.FileNotFound, "No file has this id."), null);
            }

            if (file.Status != FileStatus.Pending)
            {
                return (Settled(file), null);
            }

            var now = clock.GetUtcNow();
            ConfirmationResult? expired = null;
            if (file.IsUploadWindowClosed(now, options.ConfirmationGrace))
            {
                file.MarkExpired(now);
                expired = Settled(file);
            }
            else if (await CheckUploadedObjectAsync(file, upload.FileSize, cancellationToken) is { } problem)
            {
                // Nothing changed: the file stays PENDING and the client may upload again and re-confirm.
                return (Rejected(file.Id, file.Status, problem.Code, problem.Detail), null);
            }
            else
            {
                file.MarkUploaded(upload.FileSize, now);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                continue;
            }

            return (expired ?? Settled(file), file.Status == FileStatus.Uploaded ? file : null);
        }
    }

    /// <summary>Null when the stored object is what the client says and the limits allow; else what is wrong.</summary>
    async Task<ConfirmationError?> CheckUploadedObjectAsync(FileRecord file, long claimedSize, CancellationToken cancellationToken)
    {
        // The storage may not enforce the policy's length range (s3rver does not), so the size is checked here.
        var storedSize = await storage.GetSizeAsync(file.ObjectKey, cancellationToken);
        return storedSize switch
        {
            null => new(ConfirmationCodes.ObjectMissing, "Nothing has been uploaded for this file yet."),
            _ when storedSize != claimedSize =>
                new(ConfirmationCodes.SizeMismatch, $"Storage holds {storedSize} bytes; the confirmation says {claimedSize}."),
            _ when file.DeclaredSize is { } declared && declared != storedSize =>
                new(ConfirmationCodes.SizeMismatch, $"Storage holds {storedSize} bytes; the upload request declared {declared}."),
            _ when storedSize > options.MaxFileBytes =>
                new(ConfirmationCodes.SizeMismatch, $"Storage holds {storedSize} bytes, over the maximum of {options.MaxFileBytes}."),
            _ => null,
        };
    }

    /// <summary>
    /// The database already says UPLOADED: that is the truth. The events only trigger the worker, so a publish that
    /// fails (the broker is down) is logged, and the worker's reconciler republishes files left UPLOADED.
    /// </summary>
    async Task PublishUploadedAsync(IReadOnlyList<FileRecord> files)
    {
        if (files.Count == 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(options.PublishTimeout);
        if (files.Count == 1)
        {
            Activity.Current?.SetTag(UploadsTracing.FileIdTag, files[0].Id);
        }

        try
        {
            await Task.WhenAll(files.Select(file =>
                publisher.Publish(new FileUploaded(file.Id, file.ObjectKey, file.Size!.Value, file.UpdatedAt), timeout.Token)));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Publishing FileUploaded for {Count} file(s) failed; the reconciler will republish them", files.Count);
        }
    }

    static ConfirmationResult Settled(FileRecord file) => file.Status switch
    {
        FileStatus.Failed => Rejected(file.Id, file.Status, ConfirmationCodes.Failed, $"The file failed: {file.FailureReason}."),
        FileStatus.Expired => Rejected(file.Id, file.Status, ConfirmationCodes.Expired, "The upload window closed before the upload was confirmed."),
        _ => new ConfirmationResult(file.Id, file.Status, null),
    };

    static ConfirmationResult Rejected(Guid fileId, FileStatus? status, string code, string detail) =>
        new(fileId, status, new ConfirmationError(code, detail));
}

/// <summary>A ticket, and whether it is a new file; or, instead, why the request conflicts with a file that exists.</summary>
public sealed record UploadRequestOutcome<TTicket>(TTicket? Ticket, bool IsNew, string? Conflict) where TTicket : class;

public static class ConfirmationCodes
{
    public const string FileNotFound = "FILE_NOT_FOUND";
    public const string ObjectMissing = "OBJECT_MISSING";
    public const string SizeMismatch = "SIZE_MISMATCH";
    public const string Expired = "EXPIRED";
    public const string Failed = "FAILED";
}
