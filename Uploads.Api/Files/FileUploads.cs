using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Core.Contracts;
using Uploads.Core.Data;
using Uploads.Core.Files;
using Uploads.Core.Storage;

namespace Uploads.Api.Files;

/// <summary>The API's use cases for files: issue upload tickets, confirm uploads, describe a file.</summary>
public sealed class FileUploads(
    IDbContextFactory<UploadsDbContext> databases,
    ObjectStorage storage,
    IBus publisher,
    IOptions<UploadOptions> options,
    TimeProvider clock,
    ILogger<FileUploads> logger)
{
    static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);
    readonly UploadOptions options = options.Value;

    public async Task<UploadTicket> RequestUploadAsync(ValidatedUpload upload, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var fileId = Guid.CreateVersion7(now);
        var expiresAt = now + options.UploadUrlLifetime;
        var file = FileRecord.Request(
            fileId, upload.Filename, upload.ExternalId, upload.ContentType, ObjectKeys.For(fileId),
            upload.Size, upload.Sha256, expiresAt, now);
        var form = await CreateUploadFormAsync(file);

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.Files.Add(file);
        await db.SaveChangesAsync(cancellationToken);

        return new UploadTicket(fileId, file.Status, form.Url.ToString(), form.Fields, expiresAt, Deduplicated: false, TraceIds.Current);
    }

    public async Task<ConfirmationResult> ConfirmAsync(ConfirmedUpload upload, CancellationToken cancellationToken)
    {
        // Each round reads the file afresh; a lost race (another confirmation, the expiry) shows up as a concurrency conflict.
        while (true)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var file = await db.Files.SingleOrDefaultAsync(f => f.Id == upload.FileId, cancellationToken);
            if (file is null)
            {
                return Rejected(upload.FileId, null, ConfirmationCodes.FileNotFound, "No file has this id.");
            }

            if (file.Status != FileStatus.Pending)
            {
                return Settled(file);
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
                return Rejected(file.Id, file.Status, problem.Code, problem.Detail);
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

            if (file.Status == FileStatus.Uploaded)
            {
                await PublishUploadedAsync(file, now);
            }

            return expired ?? Settled(file);
        }
    }

    public async Task<FileDetails?> DescribeAsync(Guid fileId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        if (file is null)
        {
            return null;
        }

        var history = await db.FileTransitions.AsNoTracking()
            .Where(t => t.FileId == fileId)
            .OrderBy(t => t.Id)
            .ToListAsync(cancellationToken);
        return FileDetails.From(file, history, TraceIds.Current);
    }

    Task<UploadForm> CreateUploadFormAsync(FileRecord file)
    {
        var (minLength, maxLength) = file.DeclaredSize is { } size ? (size, size) : (0L, options.MaxFileBytes);
        return storage.CreateUploadFormAsync(file.ObjectKey, file.ContentType, minLength, maxLength, file.UploadExpiresAt);
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
    /// The database already says UPLOADED: that is the truth. The event only triggers the worker, so a publish that
    /// fails here is logged, and the worker's reconciler republishes files left UPLOADED.
    /// </summary>
    async Task PublishUploadedAsync(FileRecord file, DateTimeOffset now)
    {
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await publisher.Publish(new FileUploaded(file.Id, file.ObjectKey, file.Size!.Value, now), timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Publishing FileUploaded for {FileId} failed; the reconciler will republish it", file.Id);
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

public static class ConfirmationCodes
{
    public const string FileNotFound = "FILE_NOT_FOUND";
    public const string ObjectMissing = "OBJECT_MISSING";
    public const string SizeMismatch = "SIZE_MISMATCH";
    public const string Expired = "EXPIRED";
    public const string Failed = "FAILED";
}
