using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Domain.Contracts;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Storage;
using Uploads.Infrastructure.Telemetry;

namespace Uploads.Api.Uploads;

/// <summary>
/// Confirmation, the same for both kinds of upload: the object must be in storage with the size the client and the
/// request said; the file then moves to UPLOADED and one <c>FileUploaded</c> starts its sync.
/// </summary>
public sealed class UploadConfirmations(
    UploadsDatabases databases,
    ObjectStorage storage,
    FileMoveGroupCommit moves,
    IBus publisher,
    UploadMetrics metrics,
    IOptions<UploadOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<UploadConfirmations> logger)
{
    readonly UploadOptions options = options.Value;

    // The client's confirmation and storage's event for one upload arrive together as a rule: they share one check and one write.
    readonly SingleFlight<(string Tenant, Guid FileId, long? ClaimedSize), (ConfirmationResult Result, FileRecord? NewlyUploaded)> confirming = new();

    /// <summary>
    /// Confirms each file on its own (one file's problem does not fail the others), several side by side so that their
    /// writes share commits, then publishes one <c>FileUploaded</c> per file that became UPLOADED — also when another
    /// file threw.
    /// </summary>
    public async Task<IReadOnlyList<ConfirmationResult>> ConfirmAsync(string tenantId, IReadOnlyList<ConfirmedUpload> uploads, CancellationToken cancellationToken)
    {
        var results = new ConfirmationResult[uploads.Count];
        var uploaded = new FileRecord?[uploads.Count];
        var sideBySide = new ParallelOptions { MaxDegreeOfParallelism = options.ConfirmationsSideBySide, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, uploads.Count), sideBySide, async (index, _) =>
            {
                var upload = uploads[index];
                using var scope = logger.BeginScope(UploadsTracing.FileScope(upload.FileId));
                var (result, newlyUploaded) = await ConfirmOneAsync(tenantId, upload, cancellationToken);
                metrics.Confirmed(result, newlyUploaded is not null);
                results[index] = result;
                uploaded[index] = newlyUploaded;
            });
        }
        finally
        {
            await PublishUploadedAsync(uploaded.OfType<FileRecord>().ToList());
        }

        return results;
    }

    async Task<(ConfirmationResult Result, FileRecord? NewlyUploaded)> ConfirmOneAsync(string tenantId, ConfirmedUpload upload, CancellationToken cancellationToken)
    {
        // Once begun, a file's confirmation runs to its end even if its caller goes away (storage's forwarder gives up
        // after five seconds): a write that landed is then published here, rather than found later by the reconciler.
        // Only a shutdown stops it; no further file of the caller's list is begun.
        var (outcome, joined) = await confirming.RunAsync(
            (tenantId, upload.FileId, upload.FileSize), _ => CheckAndMarkUploadedAsync(tenantId, upload, lifetime.ApplicationStopping), cancellationToken);
        // Only the caller whose run moved the file publishes its FileUploaded.
        return joined ? (outcome.Result, null) : outcome;
    }

    async Task<(ConfirmationResult Result, FileRecord? NewlyUploaded)> CheckAndMarkUploadedAsync(string tenantId, ConfirmedUpload upload, CancellationToken cancellationToken)
    {
        // Each round reads the file afresh; a lost race (another confirmation, the expiry) shows up as a save that finds the file changed.
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

            var storedSize = await StoredSizeAsync(file.UploadKey, cancellationToken);
            var now = clock.GetUtcNow();
            var judgement = StoredUpload.Judge(file, storedSize, upload.FileSize, options.MaxFileBytes, now, options.ConfirmationGrace);
            ConfirmationResult? expired = null;
            switch (judgement.Verdict)
            {
                case UploadVerdict.Refuse:
                    // Nothing changed: the file stays PENDING and the client may upload again and re-confirm.
                    return (Rejected(file.Id, file.Status, judgement.Refusal!.Code, judgement.Refusal.Detail), null);
                case UploadVerdict.Expire:
                    // Storage first, as the reconciler does: what is discarded is never kept, nor served.
                    await storage.DiscardUploadAsync(file.UploadKey, file.MultipartUploadId, cancellationToken);
                    file.MarkExpired(now);
                    expired = Settled(file);
                    break;
                default:
                    file.MarkUploaded(storedSize!.Value, now);
                    break;
            }

            if (!await moves.TrySaveAsync(db, file))
            {
                continue;
            }

            return (expired ?? Settled(file), file.Status == FileStatus.Uploaded ? file : null);
        }
    }

    /// <summary>
    /// The object's size at the upload key. Storage may not show an object it has just stored (read-after-write lags under
    /// load, and not every store is strongly consistent), so a missing object is asked for again with a short backoff
    /// (<see cref="UploadOptions.MissingObjectRetries"/>) before it counts as missing.
    /// </summary>
    async Task<long?> StoredSizeAsync(string uploadKey, CancellationToken cancellationToken)
    {
        var size = await storage.GetSizeAsync(uploadKey, cancellationToken);
        var delay = options.MissingObjectRetryDelay;
        for (var retry = 0; size is null && retry < options.MissingObjectRetries; retry++, delay *= 2)
        {
            await Task.Delay(delay, clock, cancellationToken);
            size = await storage.GetSizeAsync(uploadKey, cancellationToken);
            metrics.MissingObjectAskedAgain(found: size is not null);
        }

        return size;
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
                publisher.Publish(FileUploaded.For(file), timeout.Token)));
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

public static class ConfirmationCodes
{
    public const string FileNotFound = "FILE_NOT_FOUND";
    public const string ObjectMissing = UploadRefusal.ObjectMissing;
    public const string SizeMismatch = UploadRefusal.SizeMismatch;
    public const string Expired = "EXPIRED";
    public const string Failed = "FAILED";
}
