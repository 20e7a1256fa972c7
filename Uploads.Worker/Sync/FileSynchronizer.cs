using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Domain.Contracts;
using Uploads.Domain.Derivatives;
using Uploads.Infrastructure.Caching;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Scanning;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Storage;
using Uploads.Infrastructure.Telemetry;

namespace Uploads.Worker.Sync;

/// <summary>
/// Syncs one file: claims it (UPLOADED → SYNCING), streams its object from storage while hashing it and
/// caching it, then settles it (SYNCED or FAILED). Every step is a conditional update, so a duplicate message
/// or a second worker never syncs the same file twice at once, and a late one never moves a file backwards.
/// </summary>
public sealed class FileSynchronizer(
    UploadsDatabases databases,
    SyncLeases leases,
    LeaseRenewals renewals,
    FileMoveWriter moves,
    ClamAvScanner scanner,
    ContentSniffer sniffer,
    IOptions<ScanningOptions> scanningOptions,
    ObjectStorage storage,
    FileContentCache cache,
    IBus bus,
    IOptions<SyncOptions> options,
    SyncMetrics metrics,
    TimeProvider clock,
    ILogger<FileSynchronizer> logger)
{
    readonly SyncOptions options = options.Value;
    readonly ScanningOptions scanning = scanningOptions.Value;

    public async Task SyncAsync(Guid fileId, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(UploadsTracing.FileScope(fileId));
        using var activity = UploadsTracing.StartFileActivity("file.sync", fileId);
        var started = clock.GetTimestamp();

        // Each attempt claims under a token of its own: copies of one message cannot share a claim.
        var claim = Guid.NewGuid();
        var file = await ClaimAsync(fileId, claim, cancellationToken);
        if (file is null)
        {
            activity?.SetTag("uploads.sync.outcome", "skipped");
            return;
        }

        try
        {
            SyncOutcome outcome;
            using (var lease = renewals.Hold(claim, cancellationToken))
            {
                try
                {
                    outcome = await ReadAsync(file, lease.Token);
                }
                catch (OperationCanceledException) when (lease.Token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    logger.LogWarning("File {FileId} was taken over while syncing; stopping this sync", fileId);
                    return;
                }
            }

            if (await SettleAsync(file, claim, outcome, cancellationToken) is { } settled)
            {
                activity?.SetTag("uploads.sync.outcome", outcome.Name);
                metrics.Record(clock.GetElapsedTime(started), outcome.BytesHashed, outcome.Name);
                await RequestDerivativesAsync(settled, cancellationToken);
            }
            else
            {
                activity?.SetTag("uploads.sync.outcome", "superseded");
            }
        }
        catch (Exception ex)
        {
            activity.RecordFailure(ex);
            // A transient fault (retried in place) or a shutdown (the message goes back to the queue): either way
            // the next attempt, here or in another worker, may take the file at once.
            await ReleaseAsync(fileId, claim);
            throw;
        }
    }

    /// <summary>
    /// A delivery failed for good (retries in place did not help): deliver it again later, through the reconciler,
    /// or FAILED with the reason once every delivery was spent.
    /// </summary>
    public async Task HandleFailedDeliveryAsync(Guid fileId, string fault, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(UploadsTracing.FileScope(fileId));
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var file = await db.Files.SingleOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        var now = clock.GetUtcNow();
        if (file is null || file.Status != FileStatus.Syncing)
        {
            // Settled, or not claimed yet: nothing to count. An UPLOADED file is republished by the reconciler.
            return;
        }

        if (!file.CanBeClaimed(now))
        {
            // Another delivery holds the file now (the reconciler republished it): this failure counts all the same.
            file.CountFailedDelivery(now);
            logger.LogWarning("File {FileId} delivery failed ({Fault}) while another holds it; {Deliveries} failed so far", fileId, fault, file.FailedDeliveries);
        }
        else if (file.FailedDeliveries + 1 >= options.MaxDeliveries)
        {
            file.CountFailedDelivery(now);
            file.MarkDeliveriesSpent(options.MaxDeliveries, now);
            // The client reads a generic reason; what failed (exception types and messages) goes to the logs and the trace.
            Activity.Current?.SetTag("uploads.sync.fault", fault);
            logger.LogError("File {FileId} FAILED after {Deliveries} failed deliveries: {Fault}", fileId, file.FailedDeliveries, fault);
        }
        else
        {
            var delay = options.RedeliveryDelays[Math.Min(file.FailedDeliveries, options.RedeliveryDelays.Length - 1)];
            file.DeferSync(now + delay, now);
            logger.LogWarning("File {FileId} delivery {Delivery} failed ({Fault}); delivering again in {Delay}", fileId, file.FailedDeliveries, fault, delay);
        }

        // A conflict (a sync claimed the file meanwhile) throws: the fault consumer's retries read the file again, so
        // no failed delivery goes uncounted.
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Asks for the thumbnails and metadata of a file that has them due. A broker that refuses now loses nothing: the
    /// reconciler republishes derivatives overdue, so the sync that succeeded is not undone or retried for it.
    /// </summary>
    async Task RequestDerivativesAsync(FileRecord file, CancellationToken cancellationToken)
    {
        if (file.Derivatives != DerivativesStatus.Pending)
        {
            return;
        }

        try
        {
            await bus.Publish(DerivativesRequested.For(file), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not ask for the derivatives of file {FileId}; the reconciler will: {Message}", file.Id, ex.Message);
        }
    }

    async Task ReleaseAsync(Guid fileId, Guid claim)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await leases.ReleaseAsync(fileId, claim, clock.GetUtcNow(), timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not release file {FileId}; its lease will run out instead: {Message}", fileId, ex.Message);
        }
    }

    async Task<FileRecord?> ClaimAsync(Guid fileId, Guid claim, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var file = await leases.ClaimAsync(fileId, SyncClaimMove.Describe(claim, now + options.Lease, now), cancellationToken);
        if (file is null)
        {
            logger.LogInformation("File {FileId} is not claimable (not waiting for a sync, or held by another): nothing to sync now", fileId);
        }

        return file;
    }

    async Task<SyncOutcome> ReadAsync(FileRecord file, CancellationToken cancellationToken)
    {
        if (!await SealAsync(file, cancellationToken))
        {
            return SyncOutcome.Failed(FailureReasons.ObjectMissing);
        }

        using var stored = await OpenAsync(file, cancellationToken);
        if (stored is null)
        {
            return SyncOutcome.Failed(FailureReasons.ObjectMissing);
        }

        if (stored.Length != file.Size)
        {
            return SyncOutcome.Failed(FailureReasons.SizeChanged);
        }

        if (stored.Length > scanning.MaxStreamBytes)
        {
            return SyncOutcome.Failed($"{FailureReasons.TooLargeToScan}: {stored.Length} bytes, over the scanner's {scanning.MaxStreamBytes}");
        }

        var cacheWriter = cache.Accepts(stored.Length) ? cache.BeginWrite(file.Id) : null;
        try
        {
            var (sha256, verdict, contentType) = await ReadOnceAsync(file, stored, cacheWriter, cancellationToken);
            if (!verdict.IsClean)
            {
                // Deleted, not kept aside: the signature's name is in the record, and nothing infected stays readable.
                await storage.DeleteAsync(file.ObjectKey, CancellationToken.None);
                logger.LogWarning("File {FileId} holds malware ({Signature}); its object was deleted", file.Id, verdict.Signature);
                return await RefuseAsync(cacheWriter, $"{FailureReasons.MalwareDetected}: {verdict.Signature}", stored.Length);
            }

            if (file.DeclaredSha256 is { } declared && declared != sha256)
            {
                logger.LogWarning("File {FileId} hashes to {Actual}, not the declared {Declared}", file.Id, sha256, declared);
                return await RefuseAsync(cacheWriter, FailureReasons.HashMismatch, stored.Length);
            }

            if (DeclaredContentType.IsContradictedBy(file.ContentType, contentType))
            {
                logger.LogWarning("File {FileId} was declared {Declared} but holds {Sniffed}", file.Id, file.ContentType, contentType);
                return await RefuseAsync(cacheWriter, $"{FailureReasons.ContentTypeMismatch}: declared {file.ContentType}, the content is {contentType}", stored.Length);
            }

            if (DeclaredContentType.IsActive(contentType) && !options.ActiveContentTenants.Contains(file.TenantId))
            {
                logger.LogWarning("File {FileId} holds active content ({Sniffed}), which tenant {TenantId} does not allow", file.Id, contentType, file.TenantId);
                return await RefuseAsync(cacheWriter, $"{FailureReasons.ActiveContent}: the content is {contentType}, which a browser runs script in; this tenant's policy does not allow it", stored.Length);
            }

            if (cacheWriter is not null)
            {
                await cacheWriter.CommitAsync();
            }

            return SyncOutcome.Synced(sha256, stored.Length, stored.ETag);
        }
        catch when (cacheWriter is not null)
        {
            await cacheWriter.AbandonAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads the object once: each buffer is hashed, sent to clamd, staged in the cache, and the first one shows libmagic
    /// the content's type. Memory stays one buffer, whatever the file's size.
    /// </summary>
    async Task<(string Sha256, ScanVerdict Verdict, string ContentType)> ReadOnceAsync(
        FileRecord file, StoredObject stored, CachedContentWriter? cacheWriter, CancellationToken cancellationToken)
    {
        string? contentType = null;
        await using var scan = await scanner.BeginAsync(cancellationToken);
        string sha256;
        using (var hashing = UploadsTracing.StartFileActivity("file.hash", file.Id))
        {
            hashing?.SetTag("uploads.sync.bytes", stored.Length);
            hashing?.SetTag("uploads.sync.cached", cacheWriter is not null);
            sha256 = await ContentHasher.Sha256Async(stored.Content, options.ReadBufferBytes, async chunk =>
            {
                contentType ??= sniffer.Sniff(chunk.Span[..Math.Min(chunk.Length, ContentSniffer.BytesNeeded)]);
                await scan.AppendAsync(chunk, cancellationToken);
                if (cacheWriter is not null)
                {
                    await cacheWriter.AppendAsync(chunk);
                }
            }, cancellationToken);
        }

        using var scanning = UploadsTracing.StartFileActivity("file.scan", file.Id, ActivityKind.Client);
        var verdict = await scan.VerdictAsync(cancellationToken);
        scanning?.SetTag("uploads.scan.clean", verdict.IsClean);
        scanning?.SetTag("uploads.scan.signature", verdict.Signature);
        return (sha256, verdict, contentType ?? sniffer.Sniff([]));
    }

    static async Task<SyncOutcome> RefuseAsync(CachedContentWriter? cacheWriter, string reason, long bytesHashed)
    {
        if (cacheWriter is not null)
        {
            await cacheWriter.AbandonAsync();
        }

        return SyncOutcome.Failed(reason, bytesHashed);
    }

    /// <summary>
    /// Copies the upload to the file's own key, which no URL is ever signed for, and deletes the upload: from here on,
    /// nothing a signed URL writes reaches what is hashed and served. A sync that finds no upload but a sealed object (an
    /// earlier attempt sealed it, then died) goes on with that object. False when there is neither.
    /// </summary>
    async Task<bool> SealAsync(FileRecord file, CancellationToken cancellationToken)
    {
        using var activity = UploadsTracing.StartFileActivity("storage.seal", file.Id, ActivityKind.Client);
        if (await storage.CopyAsync(file.UploadKey, file.ObjectKey, cancellationToken))
        {
            await storage.DeleteAsync(file.UploadKey, cancellationToken);
            return true;
        }

        return await storage.GetSizeAsync(file.ObjectKey, cancellationToken) is not null;
    }

    async Task<StoredObject?> OpenAsync(FileRecord file, CancellationToken cancellationToken)
    {
        using var activity = UploadsTracing.StartFileActivity("storage.open", file.Id, ActivityKind.Client);
        activity?.SetTag("uploads.storage.key", file.ObjectKey);
        return await storage.OpenReadAsync(file.ObjectKey, cancellationToken);
    }

    /// <summary>
    /// Records the outcome and returns the settled file; null when another sync took the file over meanwhile and this
    /// result was dropped. Settles from the row as claimed, without reading it again, in one statement conditional on
    /// the row version the claim returned. When the row changed since (a lease renewal of a long sync, or a take-over),
    /// it is read and judged again.
    /// </summary>
    async Task<FileRecord?> SettleAsync(FileRecord claimed, Guid claim, SyncOutcome outcome, CancellationToken cancellationToken)
    {
        await using (var db = await databases.ForAllTenantsAsync(cancellationToken))
        {
            db.Files.Attach(claimed);
            if (await TrySettleAsync(db, claimed, outcome, cancellationToken))
            {
                return claimed;
            }
        }

        await using (var db = await databases.ForAllTenantsAsync(cancellationToken))
        {
            var current = await db.Files.SingleAsync(f => f.Id == claimed.Id, cancellationToken);
            if (!current.IsHeldBy(claim))
            {
                logger.LogWarning("File {FileId} was taken over while syncing; dropping this result", claimed.Id);
                return null;
            }

            if (await TrySettleAsync(db, current, outcome, cancellationToken))
            {
                return current;
            }

            logger.LogWarning("File {FileId} changed while settling; dropping this result", claimed.Id);
            return null;
        }
    }

    async Task<bool> TrySettleAsync(UploadsDbContext db, FileRecord file, SyncOutcome outcome, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (outcome.Sha256 is { } sha256)
        {
            file.MarkSynced(sha256, now, outcome.StoredETag);
        }
        else
        {
            file.MarkFailed(outcome.FailureReason!, now);
        }

        if (!await moves.TrySaveAsync(db, file, cancellationToken))
        {
            return false;
        }

        logger.LogInformation("File {FileId} is {Status}", file.Id, file.Status);
        return true;
    }
}
