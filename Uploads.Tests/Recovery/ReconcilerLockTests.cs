using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

/// <summary>
/// The reconciler of a scaled-out deployment (three workers here) held off by its cluster lock, on the stack of the fault
/// tests: holding the lock stops the reconciler of every worker, which the other tests' stack must not see.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class ReconcilerLockTests(UploadsStack stack)
{
    const string Tenant = "replicas";

    /// <summary>
    /// The reconciler runs once per deployment: while the test holds its lock, every worker's pass stands by and an
    /// abandoned upload stays PENDING; once the lock is free, one of them expires it, once.
    /// </summary>
    [Fact]
    public async Task The_reconciler_stands_by_in_every_worker_while_another_holds_its_lock_then_expires_once()
    {
        var ticket = await stack.ClientFor(Tenant).RequestUploadAsync("abandoned.bin", 10);
        await using (await stack.HoldReconcilerAsync())
        {
            var held = await SettledMetricsAsync();
            await stack.ExecuteAsync("UPDATE files SET upload_expires_at = now() - interval '1 hour' WHERE id = @id", ("id", ticket.FileId));
            await Eventually.MatchesAsync(SettledMetricsAsync,
                now => stack.Resources.Workers.All(w => StandingBy(now, w.Name) > StandingBy(held, w.Name)),
                "every worker's reconciler to come round and stand by");

            Assert.Equal(FileStatus.Pending, (await stack.ClientFor(Tenant).GetFileAsync(ticket.FileId)).Status);
        }

        await stack.ClientFor(Tenant).WaitForStatusAsync(ticket.FileId, FileStatus.Expired);
        Assert.Equal(1, await stack.CountAsync(
            "SELECT count(*) FROM file_transitions WHERE file_id = @id AND status = 'EXPIRED'", ("id", ticket.FileId)));
    }

    Task<IReadOnlyList<MetricView>> SettledMetricsAsync() => stack.Dashboard.SettledMetricsAsync(stack.Resources.Workers.Select(w => w.Name));

    static double StandingBy(IReadOnlyList<MetricView> metrics, string worker) =>
        DashboardClient.Total(metrics, worker, "uploads.reconciler.passes", ("role", "standby"));
}
