using Microsoft.EntityFrameworkCore;
using Uploads.Domain.Files;

namespace Uploads.Infrastructure.Data;

/// <summary>
/// A sync's lease, moved by the attempt that holds it: one conditional UPDATE each, filtered by the domain's
/// <see cref="FileRules.HeldBy"/>, so a lease another attempt took over is never touched.
/// </summary>
public sealed class SyncLeases(UploadsDatabases databases)
{
    /// <summary>Pushes the lease to <paramref name="until"/>; false when the claim is gone (the file was taken over or settled).</summary>
    public Task<bool> RenewAsync(Guid fileId, Guid claim, DateTimeOffset until, CancellationToken cancellationToken) =>
        MoveExpiryAsync(fileId, claim, until, cancellationToken);

    /// <summary>Lets go of the file at <paramref name="now"/>, so that the next attempt may claim it at once.</summary>
    public Task<bool> ReleaseAsync(Guid fileId, Guid claim, DateTimeOffset now, CancellationToken cancellationToken) =>
        MoveExpiryAsync(fileId, claim, now, cancellationToken);

    async Task<bool> MoveExpiryAsync(Guid fileId, Guid claim, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var moved = await db.Files
            .Where(f => f.Id == fileId)
            .Where(FileRules.HeldBy.For(claim))
            .ExecuteUpdateAsync(set => set.SetProperty(f => f.SyncLeaseExpiresAt, expiresAt), cancellationToken);
        return moved == 1;
    }
}
