using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Uploads.Infrastructure.Data;

namespace Uploads.Worker.Sync;

/// <summary>
/// Keeps the claims of the syncs this worker has in hand alive: every third of a lease, it pushes all their leases
/// forward in one statement (<see cref="SyncLeases.RenewAllAsync"/>). A sync whose claim is gone (another worker took
/// its file over) has its <see cref="LeaseHold.Token"/> cancelled, so it stops at once.
/// </summary>
public sealed class LeaseRenewals(SyncLeases leases, TimeProvider clock, IOptions<SyncOptions> options, ILogger<LeaseRenewals> logger)
    : BackgroundService
{
    readonly ConcurrentDictionary<Guid, LeaseHold> inHand = new();
    readonly TimeSpan lease = options.Value.Lease;

    /// <summary>Keeps <paramref name="claim"/>'s lease alive until the hold is disposed.</summary>
    public LeaseHold Hold(Guid claim, CancellationToken cancellationToken)
    {
        var hold = new LeaseHold(claim, cancellationToken, released => inHand.TryRemove(released.Claim, out _));
        inHand[claim] = hold;
        return hold;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(lease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round: every lease in hand pushed forward, and the syncs whose claim is gone told so.</summary>
    internal async Task RenewAsync(CancellationToken cancellationToken)
    {
        var claims = inHand.Keys.ToList();
        if (claims.Count == 0)
        {
            return;
        }

        IReadOnlySet<Guid> held;
        try
        {
            held = await leases.RenewAllAsync(claims, clock.GetUtcNow() + lease, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed round only shortens the claims; the next round tries again, and each settle checks its claim anyway.
            logger.LogWarning("Could not renew the leases of {Count} sync(s) in hand: {Message}", claims.Count, ex.Message);
            return;
        }

        foreach (var claim in claims.Where(claim => !held.Contains(claim)))
        {
            if (inHand.TryGetValue(claim, out var hold))
            {
                hold.Lose();
            }
        }
    }
}

/// <summary>A sync's claim among the leases in hand; disposing it stops the renewals of the claim.</summary>
public sealed class LeaseHold : IDisposable
{
    readonly CancellationTokenSource lost;
    readonly Action<LeaseHold> release;

    internal LeaseHold(Guid claim, CancellationToken cancellationToken, Action<LeaseHold> release)
    {
        Claim = claim;
        lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        this.release = release;
    }

    public Guid Claim { get; }

    /// <summary>Cancelled when the sync's own token is, or when its claim is gone.</summary>
    public CancellationToken Token => lost.Token;

    internal void Lose()
    {
        try
        {
            lost.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The sync ended between the round's statement and now: there is nothing left to stop.
        }
    }

    public void Dispose()
    {
        release(this);
        lost.Dispose();
    }
}
