using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

[Collection(ExclusiveCollection.Name)]
public sealed class WorkerCrashTests(UploadsStack stack)
{
    const long LargeBytes = 24L * 1024 * 1024;

    /// <summary>
    /// Storage's link is slowed while the worker reads (each 64 KiB chunk 20 ms late: seconds for 24 MiB), so the kill
    /// lands mid-read, which the proxy's count of chunks shows.
    /// </summary>
    [Fact]
    public async Task A_worker_killed_while_hashing_a_large_file_comes_back_and_syncs_it_once()
    {
        using var large = await LargeFile.CreateAsync(LargeBytes);
        var ticket = await StartSyncingAsync(large);
        try
        {
            await stack.KillAsync(stack.Resources.Workers);

            // The kill landed mid-read: nothing is left to move the file, so it must still be SYNCING.
            Assert.Equal(FileStatus.Syncing, (await stack.Client.GetFileAsync(ticket.FileId)).Status);
        }
        finally
        {
            // Whatever was asserted, the stack is handed on whole: the tests after this one need their workers.
            stack.StorageProxy.Set(FaultMode.Pass);
            await stack.StartAsync(stack.Resources.Workers);
        }

        var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced, TimeSpan.FromMinutes(3));
        Assert.Equal(FileStatus.Synced, file.Status);
        Assert.Equal(large.Sha256, file.Sha256);
        Assert.Single(file.History, h => h.Status == FileStatus.Synced);
        Assert.Equal("taken back after its lease ran out", file.History.Last(h => h.Status == FileStatus.Syncing).Reason);
    }

    /// <summary>
    /// The reconciler is held off throughout: the next worker takes the file because the stopped one released it and
    /// gave its message back, not because a lease ran out and the reconciler republished it.
    /// </summary>
    [Fact]
    public async Task A_worker_stopped_with_SIGTERM_mid_sync_releases_the_file_and_the_next_worker_takes_it_at_once()
    {
        using var large = await LargeFile.CreateAsync(LargeBytes);
        await using var reconcilerHeld = await stack.HoldReconcilerAsync();
        var ticket = await StartSyncingAsync(large);
        try
        {
            await Task.WhenAll(stack.Resources.Workers.Select(worker => stack.StopAsync(worker)));

            // The test stack gives syncs half a second after SIGTERM: this one was cancelled and let go of the file on its way out.
            Assert.Equal(FileStatus.Syncing, (await stack.Client.GetFileAsync(ticket.FileId)).Status);
            Assert.Equal(1, await stack.CountAsync(
                "SELECT count(*) FROM files WHERE id = @id AND sync_lease_expires_at <= now()", ("id", ticket.FileId)));
        }
        finally
        {
            stack.StorageProxy.Set(FaultMode.Pass);
            await stack.StartAsync(stack.Resources.Workers);
        }

        var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced, TimeSpan.FromMinutes(3));
        Assert.Equal(large.Sha256, file.Sha256);
        Assert.Single(file.History, h => h.Status == FileStatus.Synced);
    }

    [Fact]
    public async Task A_stream_of_files_survives_two_worker_crashes_and_each_syncs_once()
    {
        // The benchmark's chaos scenario keeps files flowing through many more crashes.
        const int count = 60;
        var contents = Enumerable.Range(0, count).Select(i => UploadsClient.RandomBytes(4096 + i * 31)).ToArray();
        var fileIds = new Guid[count];
        var done = 0;
        var crashes = Task.Run(async () =>
        {
            foreach (var (worker, after) in new[] { (stack.Resources.Workers[0], count / 3), (stack.Resources.Workers[1], 2 * count / 3) })
            {
                await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref done) >= after), $"{after} files to be confirmed");
                await stack.KillAsync(worker);
                await stack.StartAsync([worker]);
            }
        });

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            fileIds[i] = await stack.Client.UploadAndConfirmAsync(contents[i], $"soak-{i}.bin");
            Interlocked.Increment(ref done);
        });
        await crashes;

        for (var i = 0; i < count; i++)
        {
            var file = await stack.Client.WaitForStatusAsync(fileIds[i], FileStatus.Synced, TimeSpan.FromMinutes(2));
            Assert.Equal(FileStatus.Synced, file.Status);
            Assert.Equal(UploadsClient.Sha256Of(contents[i]), file.Sha256);
        }

        Assert.Equal(0, await stack.CountAsync(
            "SELECT count(*) FROM (SELECT file_id FROM file_transitions WHERE file_id = ANY(@ids) AND status = 'SYNCED' GROUP BY file_id HAVING count(*) <> 1) AS twice",
            ("ids", fileIds)));
    }

    /// <summary>
    /// Uploads <paramref name="large"/>, slows storage's link to the services, confirms, and returns once a worker is
    /// reading it (chunks crossing the slowed link); the caller sets the link back to pass.
    /// </summary>
    async Task<UploadTicket> StartSyncingAsync(LargeFile large)
    {
        var ticket = await stack.Client.RequestUploadAsync("large.bin", large.Length, large.Sha256);
        await UploadsClient.UploadFileToStorageAsync(ticket, large.Path);
        stack.StorageProxy.Delay(TimeSpan.FromMilliseconds(20));
        await stack.Client.ConfirmAsync((ticket.FileId, large.Length));

        var syncing = await Eventually.MatchesAsync(
            () => stack.Client.GetFileAsync(ticket.FileId), f => f.Status != FileStatus.Uploaded, "the sync to start");
        Assert.Equal(FileStatus.Syncing, syncing.Status);
        var delayed = stack.StorageProxy.Delayed;
        await Eventually.TrueAsync(() => Task.FromResult(stack.StorageProxy.Delayed > delayed + 16), "the worker to read through the slowed link");
        return ticket;
    }
}
