using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Tests.Fixtures;
using Uploads.Worker.Sync;

namespace Uploads.Tests.Recovery;

/// <summary>
/// The worker's one-statement claim (<see cref="SyncLeases.ClaimAsync"/>), raced by two workers with pools of their own,
/// and the renewals of the leases a worker has in hand.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class SyncClaimTests(UploadsStack stack) : IAsyncLifetime
{
    const string Tenant = "claim-race";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>The files were never uploaded: left behind, a reconciler would one day sync them to FAILED.</summary>
    public async ValueTask DisposeAsync() => await stack.ExecuteAsync("DELETE FROM files WHERE tenant_id = @tenant", ("tenant", Tenant));

    [Fact]
    public async Task Of_two_workers_claiming_the_same_files_at_once_exactly_one_wins_each_file_and_it_is_recorded_once()
    {
        await using var first = Worker();
        await using var second = Worker();
        var now = DateTimeOffset.UtcNow;
        var files = await UploadedFilesAsync(first, 30);

        // The test holds every row's lock while both workers claim: each claim waits on it (seen in pg_locks), and once it
        // is let go the two meet at the row at once, so the loser's claim judges the row again as the winner left it.
        // Without the lock the claims could simply run one after the other. Seen failing with FOR UPDATE taken out of the
        // claim (SyncLeases): both claims of a file won.
        Task<(Guid Id, (Guid[] Tokens, FileRecord?[] Claims) Race)[]> racing;
        await using (var holder = stack.OpenDatabase())
        {
            await using var transaction = await holder.BeginTransactionAsync();
            await using (var lockRows = new NpgsqlCommand("SELECT id FROM files WHERE id = ANY(@ids) FOR UPDATE", holder, transaction))
            {
                lockRows.Parameters.AddWithValue("ids", files.ToArray());
                await lockRows.ExecuteNonQueryAsync();
            }

            racing = Task.WhenAll(files.Select(async id => (Id: id, Race: await RaceAsync(first, second, id, now))));
            await Eventually.TrueAsync(
                async () => await stack.CountAsync("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype IN ('tuple', 'transactionid')") >= files.Count * 2,
                "both workers' claims of every file to wait on the held rows");
            await transaction.RollbackAsync();
        }

        var races = await racing;

        foreach (var (id, (tokens, claims)) in races)
        {
            var winner = Assert.Single(claims, c => c is not null)!;
            Assert.Equal(id, winner.Id);
            Assert.Equal(FileStatus.Syncing, winner.Status);
            Assert.Contains(winner.SyncClaim!.Value, tokens);
            Assert.Equal(now.AddMinutes(5).ToUnixTimeMilliseconds(), winner.SyncLeaseExpiresAt!.Value.ToUnixTimeMilliseconds());
            Assert.Equal(winner.SyncClaim, await stack.ScalarAsync("SELECT sync_claim FROM files WHERE id = @id", ("id", id)));
            // The row version as the claim left it: the settle's update is conditional on it, without reading the row again.
            Assert.Equal(winner.Version.ToString(), await stack.ScalarAsync("SELECT xmin::text FROM files WHERE id = @id", ("id", id)));
        }

        var ids = files.ToArray();
        Assert.Equal(files.Count, await stack.CountAsync(
            "SELECT count(*) FROM file_transitions WHERE file_id = ANY(@ids) AND from_status = 'UPLOADED' AND status = 'SYNCING' AND reason IS NULL", ("ids", ids)));
        Assert.Equal(files.Count, await stack.CountAsync("SELECT count(*) FROM file_transitions WHERE file_id = ANY(@ids) AND status = 'SYNCING'", ("ids", ids)));
    }

    [Fact]
    public async Task A_lease_that_ran_out_is_taken_over_by_one_of_two_workers_and_a_live_lease_by_neither()
    {
        await using var first = Worker();
        await using var second = Worker();
        var now = DateTimeOffset.UtcNow;
        var files = await UploadedFilesAsync(first, 2);
        var (lapsed, held) = (files[0], files[1]);
        Assert.NotNull(await Leases(first).ClaimAsync(lapsed, SyncClaimMove.Describe(Guid.NewGuid(), now.AddSeconds(-1), now), CancellationToken.None));
        Assert.NotNull(await Leases(first).ClaimAsync(held, SyncClaimMove.Describe(Guid.NewGuid(), now.AddMinutes(5), now), CancellationToken.None));

        var (_, takeOvers) = await RaceAsync(first, second, lapsed, now);
        var (_, stolen) = await RaceAsync(first, second, held, now);

        Assert.Single(takeOvers, c => c is not null);
        Assert.All(stolen, Assert.Null);
        Assert.Equal(SyncClaimMove.TakeOverReason, await stack.ScalarAsync(
            "SELECT reason FROM file_transitions WHERE file_id = @id AND from_status = 'SYNCING' AND status = 'SYNCING'", ("id", lapsed)));
        Assert.Equal(1, await stack.CountAsync("SELECT count(*) FROM file_transitions WHERE file_id = @id AND status = 'SYNCING'", ("id", held)));
    }

    [Fact]
    public async Task Renewing_the_leases_in_hand_pushes_every_held_one_and_names_the_claims_whose_file_was_taken_over()
    {
        await using var first = Worker();
        await using var second = Worker();
        var now = DateTimeOffset.UtcNow;
        var files = await UploadedFilesAsync(first, 3);
        Guid[] claims = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        for (var i = 0; i < files.Count; i++)
        {
            // The last claim's lease has run out, so another worker may take its file over.
            var lease = i == files.Count - 1 ? now.AddSeconds(-1) : now.AddMinutes(1);
            Assert.NotNull(await Leases(first).ClaimAsync(files[i], SyncClaimMove.Describe(claims[i], lease, now), CancellationToken.None));
        }

        var takeOver = Guid.NewGuid();
        Assert.NotNull(await Leases(second).ClaimAsync(files[2], SyncClaimMove.Describe(takeOver, now.AddMinutes(2), now), CancellationToken.None));

        var held = await Leases(first).RenewAllAsync(claims, now.AddMinutes(5), CancellationToken.None);

        Assert.Equal(claims.Take(2).Order(), held.Order());
        foreach (var renewed in files.Take(2))
        {
            Assert.Equal(now.AddMinutes(5).ToUnixTimeMilliseconds(), await LeaseEndAsync(renewed));
        }

        Assert.Equal(takeOver, await stack.ScalarAsync("SELECT sync_claim FROM files WHERE id = @id", ("id", files[2])));
        Assert.Equal(now.AddMinutes(2).ToUnixTimeMilliseconds(), await LeaseEndAsync(files[2]));
    }

    [Fact]
    public async Task A_round_of_renewals_stops_the_sync_whose_file_was_taken_over_and_no_other()
    {
        await using var first = Worker();
        await using var second = Worker();
        var now = DateTimeOffset.UtcNow;
        var files = await UploadedFilesAsync(first, 2);
        var (live, lapsed) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.NotNull(await Leases(first).ClaimAsync(files[0], SyncClaimMove.Describe(live, now.AddSeconds(30), now), CancellationToken.None));
        Assert.NotNull(await Leases(first).ClaimAsync(files[1], SyncClaimMove.Describe(lapsed, now.AddSeconds(-1), now), CancellationToken.None));
        var renewals = new LeaseRenewals(Leases(first), TimeProvider.System, Options.Create(new SyncOptions { Lease = TimeSpan.FromMinutes(1) }), NullLogger<LeaseRenewals>.Instance);
        using var liveSync = renewals.Hold(live, CancellationToken.None);
        using var lapsedSync = renewals.Hold(lapsed, CancellationToken.None);
        Assert.NotNull(await Leases(second).ClaimAsync(files[1], SyncClaimMove.Describe(Guid.NewGuid(), now.AddMinutes(1), now), CancellationToken.None));

        await renewals.RenewAsync(CancellationToken.None);

        Assert.False(liveSync.Token.IsCancellationRequested);
        Assert.True(lapsedSync.Token.IsCancellationRequested);
        Assert.True(await LeaseEndAsync(files[0]) >= now.AddMinutes(1).ToUnixTimeMilliseconds());
    }

    async Task<long> LeaseEndAsync(Guid fileId) => Convert.ToInt64(await stack.ScalarAsync(
        "SELECT floor(extract(epoch FROM sync_lease_expires_at) * 1000)::bigint FROM files WHERE id = @id", ("id", fileId)));

    /// <summary>Both workers claim the file at once, each under a token of its own, for a lease of five minutes from <paramref name="now"/>.</summary>
    static async Task<(Guid[] Tokens, FileRecord?[] Claims)> RaceAsync(ServiceProvider first, ServiceProvider second, Guid fileId, DateTimeOffset now)
    {
        Guid[] tokens = [Guid.NewGuid(), Guid.NewGuid()];
        var claims = await Task.WhenAll(
            Leases(first).ClaimAsync(fileId, SyncClaimMove.Describe(tokens[0], now.AddMinutes(5), now), CancellationToken.None),
            Leases(second).ClaimAsync(fileId, SyncClaimMove.Describe(tokens[1], now.AddMinutes(5), now), CancellationToken.None));
        return (tokens, claims);
    }

    static SyncLeases Leases(ServiceProvider worker) => worker.GetRequiredService<SyncLeases>();

    /// <summary>A worker's database services: a pool of connections of its own.</summary>
    ServiceProvider Worker() => stack.DatabaseServices();

    /// <summary>
    /// UPLOADED files no message announces, whose sync counts as just asked for (an hour ahead): the stack's reconciler
    /// and workers leave them to this test.
    /// </summary>
    static async Task<IReadOnlyList<Guid>> UploadedFilesAsync(ServiceProvider worker, int count)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await worker.GetRequiredService<UploadsDatabases>().ForNewFilesAsync(CancellationToken.None);
        var files = Enumerable.Range(0, count).Select(i =>
        {
            var id = Guid.CreateVersion7();
            var file = FileRecord.Request(id, Tenant, $"race-{i}.txt", null, "text/plain", ObjectKeys.For(Tenant, id), 6, null, now.AddMinutes(15), now);
            file.MarkUploaded(6, now);
            file.RecordSyncRequested(now.AddHours(1));
            return file;
        }).ToList();
        db.Files.AddRange(files);
        await db.SaveChangesAsync();
        return files.Select(f => f.Id).ToList();
    }
}
