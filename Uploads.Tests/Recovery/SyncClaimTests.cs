using Microsoft.Extensions.DependencyInjection;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

/// <summary>The worker's one-statement claim (<see cref="SyncLeases.ClaimAsync"/>), raced by two workers with pools of their own.</summary>
[Collection(StackCollection.Name)]
public sealed class SyncClaimTests(UploadsStack stack) : IAsyncLifetime
{
    const string Tenant = "claim-race";

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The files were never uploaded: left behind, a reconciler would one day sync them to FAILED.</summary>
    public Task DisposeAsync() => stack.ExecuteAsync("DELETE FROM files WHERE tenant_id = @tenant", ("tenant", Tenant));

    [Fact]
    public async Task Of_two_workers_claiming_the_same_files_at_once_exactly_one_wins_each_file_and_it_is_recorded_once()
    {
        await using var first = Worker();
        await using var second = Worker();
        var now = DateTimeOffset.UtcNow;
        var files = await UploadedFilesAsync(first, 30);

        var races = await Task.WhenAll(files.Select(async id => (Id: id, Race: await RaceAsync(first, second, id, now))));

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
