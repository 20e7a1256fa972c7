using System.Diagnostics.Metrics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Domain.Contracts;
using Uploads.Infrastructure.Data;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Scanning;
using Uploads.Infrastructure.Storage;
using Uploads.Worker.Sync;

namespace Uploads.Worker.Reconciliation;

/// <summary>
/// Repairs what a lost or failed message left behind, at start-up and then on a timer: republishes files waiting too long
/// for their sync (UPLOADED, or SYNCING past their lease because a worker died or a delivery failed) or their derivatives
/// (PENDING, or MAKING past their lease), and settles PENDING uploads whose window closed: confirmed when their object is
/// whole in storage, else expired, their multipart upload aborted and what was uploaded deleted. One worker of the
/// deployment reconciles at a time (<see cref="ClusterLock.Reconciler"/>); the others' passes stand by. Every repair is
/// still a conditional update, so a pass that overlaps another (a lock lost with its connection) repairs nothing twice,
/// and a duplicate event it may cause is harmless, the consumer being idempotent.
/// </summary>
public sealed class Reconciler(
    UploadsDatabases databases,
    ClusterLocks locks,
    IBus bus,
    ObjectStorage storage,
    IOptions<ReconcilerOptions> options,
    IOptions<SyncOptions> syncOptions,
    IOptions<ScanningOptions> scanning,
    TimeProvider clock,
    IMeterFactory meterFactory,
    ILogger<Reconciler> logger) : BackgroundService
{
    public const string MeterName = "Uploads.Reconciler";
    static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);
    readonly ReconcilerOptions options = options.Value;
    readonly Counter<long> repairs = meterFactory.Create(MeterName)
        .CreateCounter<long>("uploads.reconciler.repairs", description: "Files the reconciler republished or expired.");
    readonly Counter<long> passes = meterFactory.Create(MeterName)
        .CreateCounter<long>("uploads.reconciler.passes", description: "Reconciliation passes, by role: reconciled, or stood by while another worker held the lock.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, clock);
        var standDownUntil = DateTimeOffset.MinValue;
        do
        {
            if (clock.GetUtcNow() < standDownUntil)
            {
                continue;
            }

            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // One worker reconciles at a time: one whose broker or storage link is broken leaves the lock to the
                // others for a while, rather than winning it again and again and repairing nothing.
                standDownUntil = clock.GetUtcNow() + options.RepublishAfter;
                logger.LogWarning("Reconciliation pass failed; this worker stands down for {Pause}: {Message}", options.RepublishAfter, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await using var held = await locks.TryAcquireAsync(ClusterLock.Reconciler, cancellationToken);
        passes.Add(1, new KeyValuePair<string, object?>("role", held is null ? "standby" : "reconciled"));
        if (held is null)
        {
            return;
        }

        await RepublishWaitingAsync(cancellationToken);
        await RepublishDerivativesAsync(cancellationToken);
        await SettleAbandonedAsync(cancellationToken);
        await ClearLateUploadsAsync(cancellationToken);
    }

    async Task RepublishWaitingAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var waiting = await db.Files
            .Where(FileRules.ClaimableAt.For(now))
            .Where(FileRules.SyncNotRequestedSince.For(now - options.RepublishAfter))
            .OrderBy(f => f.SyncRequestedAt)
            .Take(options.BatchSize)
            .ToListAsync(cancellationToken);

        var maxDeliveries = syncOptions.Value.MaxDeliveries;
        foreach (var file in waiting)
        {
            if (file.Status == FileStatus.Syncing && file.HasSpentDeliveries(maxDeliveries))
            {
                // Its last failures were counted while another delivery held it: nothing is left to try.
                file.MarkDeliveriesSpent(maxDeliveries, now);
            }
            else
            {
                file.RecordSyncRequested(now);
            }
        }

        // One save for the batch: a file another worker changed meanwhile fails it, and the next pass tries again.
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return;
        }

        // A broker that is down must not stall the pass (expiry comes next); these files are due again after RepublishAfter.
        using var publishTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        publishTimeout.CancelAfter(PublishTimeout);
        foreach (var file in waiting.Where(f => f.Status != FileStatus.Failed))
        {
            await bus.Publish(FileUploaded.For(file), publishTimeout.Token);
            repairs.Add(1, new KeyValuePair<string, object?>("repair", file.Status == FileStatus.Uploaded ? "republish_uploaded" : "retake_syncing"));
            logger.LogInformation("Republished FileUploaded for {FileId}, {Status} since {Since}", file.Id, file.Status, file.UpdatedAt);
        }
    }

    /// <summary>
    /// Republishes derivatives waiting too long: never asked for (the broker refused when the file was SYNCED), or MAKING
    /// past their lease (the worker died). The maker's claim counts the attempt and fails them once all are spent.
    /// </summary>
    async Task RepublishDerivativesAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var waiting = await db.Files
            .Where(FileRules.DerivativesClaimableAt.For(now))
            .Where(FileRules.DerivativesNotRequestedSince.For(now - options.RepublishAfter))
            .OrderBy(f => f.DerivativesRequestedAt)
            .Take(options.BatchSize)
            .ToListAsync(cancellationToken);

        foreach (var file in waiting)
        {
            file.RecordDerivativesRequested(now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return;
        }

        using var publishTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        publishTimeout.CancelAfter(PublishTimeout);
        foreach (var file in waiting)
        {
            await bus.Publish(DerivativesRequested.For(file), publishTimeout.Token);
            repairs.Add(1, new KeyValuePair<string, object?>("repair", "republish_derivatives"));
            logger.LogInformation("Republished DerivativesRequested for {FileId}, derivatives {Status} since {Since}", file.Id, file.Derivatives, file.UpdatedAt);
        }
    }

    /// <summary>
    /// Settles PENDING files whose upload window closed: one whose object is whole in storage (a confirmation or an event
    /// was lost, or the client died after its upload) is confirmed as a client's confirmation would be, and syncs; only
    /// one with nothing acceptable at its key expires, its upload discarded (<see cref="StoredUpload"/>).
    /// </summary>
    async Task SettleAbandonedAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var abandoned = await db.Files
            .Where(FileRules.UploadWindowClosedBefore.For(now - options.ExpiryGrace))
            .OrderBy(f => f.UploadExpiresAt)
            .Take(options.BatchSize)
            .ToListAsync(cancellationToken);

        foreach (var file in abandoned)
        {
            var storedSize = await storage.GetSizeAsync(file.UploadKey, cancellationToken);
            var judgement = StoredUpload.Judge(file, storedSize, claimedSize: null, scanning.Value.MaxStreamBytes, now, options.ExpiryGrace);
            if (judgement.Verdict == UploadVerdict.Confirm)
            {
                file.MarkUploaded(storedSize!.Value, now, StoredUpload.ConfirmedAtWindowClose);
            }
            else
            {
                // Storage first: should the update then lose a race, the file is still PENDING and the next pass retries.
                if (!await storage.DiscardUploadAsync(file.UploadKey, file.MultipartUploadId, cancellationToken))
                {
                    logger.LogWarning("Storage cannot abort multipart upload {UploadId} of {FileId}: its parts are left to the bucket's lifecycle rules", file.MultipartUploadId, file.Id);
                }

                file.MarkExpired(now);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.Entry(file).State = EntityState.Detached;
                continue;
            }

            if (file.Status == FileStatus.Uploaded)
            {
                repairs.Add(1, new KeyValuePair<string, object?>("repair", "confirm_pending"));
                logger.LogInformation("File {FileId} UPLOADED: its window closed at {ExpiresAt} with its object whole in storage ({Size} bytes)", file.Id, file.UploadExpiresAt, file.Size);
                using var publishTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                publishTimeout.CancelAfter(PublishTimeout);
                await bus.Publish(FileUploaded.For(file), publishTimeout.Token);
            }
            else
            {
                repairs.Add(1, new KeyValuePair<string, object?>("repair", "expire_pending"));
                logger.LogInformation("File {FileId} EXPIRED: its upload window closed at {ExpiresAt} ({Refusal})", file.Id, file.UploadExpiresAt, judgement.Refusal?.Code);
            }
        }
    }

    /// <summary>
    /// Empties the upload keys of settled files once their URLs expired: a URL stays valid until then, and storage keeps
    /// what is posted with it after the seal (it can never reach what is served, but it would stay for good). Once per
    /// file; a file another worker changed meanwhile is cleared by the next pass.
    /// </summary>
    async Task ClearLateUploadsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var settled = await db.Files
            .Where(FileRules.UploadKeyUnclearedAfterExpiryBefore.For(now - options.ExpiryGrace))
            .OrderBy(f => f.UploadExpiresAt)
            .Take(options.BatchSize)
            .ToListAsync(cancellationToken);

        foreach (var file in settled)
        {
            await storage.DeleteAsync(file.UploadKey, cancellationToken);
            file.RecordUploadKeyCleared(now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogDebug("A file changed while its upload key was cleared; the next pass records it");
        }
    }
}
