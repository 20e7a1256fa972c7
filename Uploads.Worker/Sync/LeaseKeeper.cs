using Uploads.Infrastructure.Data;

namespace Uploads.Worker.Sync;

/// <summary>
/// Keeps a sync's claim alive while it runs, by pushing the lease forward every third of its length. When the
/// claim is gone (another worker took the file over) it cancels <see cref="Token"/>, so the sync stops at once.
/// </summary>
sealed class LeaseKeeper : IAsyncDisposable
{
    readonly CancellationTokenSource lost;
    readonly CancellationTokenSource stop = new();
    readonly Task renewing;

    LeaseKeeper(SyncLeases leases, TimeProvider clock, Guid fileId, Guid claim, TimeSpan lease, CancellationToken cancellationToken)
    {
        lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        renewing = RenewAsync(leases, clock, fileId, claim, lease);
    }

    public CancellationToken Token => lost.Token;

    public static LeaseKeeper Start(
        SyncLeases leases, TimeProvider clock, Guid fileId, Guid claim, TimeSpan lease, CancellationToken cancellationToken) =>
        new(leases, clock, fileId, claim, lease, cancellationToken);

    async Task RenewAsync(SyncLeases leases, TimeProvider clock, Guid fileId, Guid claim, TimeSpan lease)
    {
        using var timer = new PeriodicTimer(lease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                if (!await leases.RenewAsync(fileId, claim, clock.GetUtcNow() + lease, stop.Token))
                {
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await renewing;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failed renewal only shortens the claim; settling checks the claim again anyway.
        }

        stop.Dispose();
        lost.Dispose();
    }
}
