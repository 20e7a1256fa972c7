using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Domain.Derivatives;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Storage;
using Uploads.Infrastructure.Telemetry;

namespace Uploads.Worker.Derivatives;

/// <summary>
/// Makes one SYNCED file's derivatives: claims them (PENDING → MAKING, an attempt), reads the sealed object to a
/// temporary file, makes thumbnails and metadata with <see cref="ImageDerivatives"/>, stores the thumbnails under the
/// file's derivatives prefix, then settles (READY or FAILED). As in the sync, every step is a conditional update: a
/// duplicate message or a second worker never settles the same file twice, and a worker that dies leaves a lease that runs out.
/// </summary>
public sealed class DerivativesMaker(
    UploadsDatabases databases,
    ObjectStorage storage,
    ImageDerivatives images,
    IOptions<DerivativesOptions> options,
    TimeProvider clock,
    ILogger<DerivativesMaker> logger)
{
    const int CopyBufferBytes = 256 * 1024;
    readonly DerivativesOptions options = options.Value;

    public async Task MakeAsync(Guid fileId, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(UploadsTracing.FileScope(fileId));
        using var activity = UploadsTracing.StartFileActivity("file.derivatives", fileId);
        var claim = Guid.NewGuid();
        var file = await ClaimAsync(fileId, claim, cancellationToken);
        if (file is null)
        {
            activity?.SetTag("uploads.derivatives.outcome", "skipped");
            return;
        }

        activity?.SetTag("uploads.derivatives.attempt", file.DerivativesAttempts);
        try
        {
            var derivation = await DeriveAsync(file, cancellationToken);
            var outcome = await SettleAsync(fileId, claim, derivation, cancellationToken);
            activity?.SetTag("uploads.derivatives.outcome", outcome);
        }
        catch (Exception ex)
        {
            activity.RecordFailure(ex);
            await ReleaseAsync(fileId, claim);
            throw;
        }
    }

    async Task<FileRecord?> ClaimAsync(Guid fileId, Guid claim, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var file = await db.Files.SingleOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        var now = clock.GetUtcNow();
        if (file is null || !file.CanDeriveNow(now))
        {
            logger.LogInformation("The derivatives of file {FileId} are {Status}: nothing to make now", fileId, file?.Derivatives.ToString() ?? "unknown");
            return null;
        }

        var spent = file.HasSpentDerivativesAttempts(options.MaxAttempts);
        if (spent)
        {
            file.FailDerivatives($"{DerivativesFailureReasons.AttemptsSpent}: {file.DerivativesAttempts} attempts began and none finished", now);
        }
        else
        {
            file.StartDerivatives(claim, now + options.Lease, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("The derivatives of file {FileId} were claimed by another worker", fileId);
            return null;
        }

        if (spent)
        {
            logger.LogError("The derivatives of file {FileId} FAILED: {Reason}", fileId, file.DerivativesFailureReason);
            return null;
        }

        return file;
    }

    async Task<ImageDerivation> DeriveAsync(FileRecord file, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"uploads-derivative-{Guid.NewGuid():N}");
        try
        {
            using (var reading = UploadsTracing.StartFileActivity("storage.open", file.Id, System.Diagnostics.ActivityKind.Client))
            {
                using var stored = await storage.OpenReadAsync(file.ObjectKey, cancellationToken, ifMatch: file.StoredETag);
                if (stored is null)
                {
                    return ImageDerivation.Refused($"{DerivativesFailureReasons.ObjectMissing}: the file's object is gone from storage");
                }

                if (stored.Length > options.MaxSourceBytes)
                {
                    return ImageDerivation.Refused(
                        $"{DerivativesFailureReasons.SourceTooLarge}: {stored.Length:N0} bytes, over the limit of {options.MaxSourceBytes:N0}");
                }

                await using var local = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferBytes, FileOptions.Asynchronous);
                await stored.Content.CopyToAsync(local, CopyBufferBytes, cancellationToken);
            }

            ImageDerivation derivation;
            using (var making = UploadsTracing.StartFileActivity("file.thumbnails", file.Id))
            {
                derivation = await Task.Run(() => images.Make(path, cancellationToken), cancellationToken);
                making?.SetTag("uploads.derivatives.refusal", derivation.Refusal);
            }

            using (var storing = UploadsTracing.StartFileActivity("storage.put_thumbnails", file.Id, System.Diagnostics.ActivityKind.Client))
            {
                foreach (var thumbnail in derivation.Thumbnails)
                {
                    await storage.PutAsync(
                        ObjectKeys.ThumbnailFor(file.TenantId, file.Id, thumbnail.Description.Size), thumbnail.Content, thumbnail.Description.ContentType, cancellationToken);
                }
            }

            return derivation;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Records the outcome; the word says which (ready, failed, or superseded when another worker took the step over).</summary>
    async Task<string> SettleAsync(Guid fileId, Guid claim, ImageDerivation derivation, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var file = await db.Files.SingleAsync(f => f.Id == fileId, cancellationToken);
        if (!file.AreDerivativesHeldBy(claim))
        {
            logger.LogWarning("The derivatives of file {FileId} were taken over meanwhile; dropping this result", fileId);
            return "superseded";
        }

        var now = clock.GetUtcNow();
        if (derivation.Refusal is { } refusal)
        {
            file.FailDerivatives(refusal, now);
        }
        else
        {
            file.CompleteDerivatives(new DerivedContent(derivation.Metadata!, [.. derivation.Thumbnails.Select(t => t.Description)]), now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogWarning("The derivatives of file {FileId} changed while settling; dropping this result", fileId);
            return "superseded";
        }

        logger.LogInformation("The derivatives of file {FileId} are {Status} {Reason}", fileId, file.Derivatives, file.DerivativesFailureReason);
        return file.Derivatives.ToString().ToLowerInvariant();
    }

    async Task ReleaseAsync(Guid fileId, Guid claim)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await using var db = await databases.ForAllTenantsAsync(timeout.Token);
            var file = await db.Files.SingleAsync(f => f.Id == fileId, timeout.Token);
            file.ReleaseDerivatives(claim, clock.GetUtcNow());
            await db.SaveChangesAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not release the derivatives of file {FileId}; their lease will run out instead: {Message}", fileId, ex.Message);
        }
    }
}
