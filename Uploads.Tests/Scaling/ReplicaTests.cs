using Uploads.AppHost;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Scaling;

/// <summary>
/// The shared stack runs as a scaled-out deployment does: two APIs and three workers on one database and one broker
/// (<c>--api-replicas 2 --worker-replicas 3</c>). What must happen once happens once, whichever replica does it.
/// </summary>
public sealed class ReplicaTests(UploadsStack stack)
{
    const string Tenant = "replicas";

    [Fact]
    public void The_AppHost_takes_its_replica_counts_from_the_command_line()
    {
        static AppHostOptions Read(params string[] args) => AppHostOptions.Read(AppHostOptions.Configuration(args));
        var settings = Read("--api-replicas", "2", "--worker-replicas", "3");

        Assert.Equal((2, 3), (settings.ApiReplicas, settings.WorkerReplicas));
        Assert.Equal((1, 1), (Read().ApiReplicas, Read().WorkerReplicas));
        Assert.Throws<ArgumentOutOfRangeException>(() => Read("--worker-replicas", "0"));
    }

    [Fact]
    public async Task A_hundred_files_through_two_APIs_and_three_workers_each_sync_exactly_once()
    {
        // A thousand run in the benchmark's soak scenario; a hundred give every worker its share here.
        const int count = 100;
        Assert.Equal(2, stack.Resources.Apis.Count);
        Assert.Equal(3, stack.Resources.Workers.Count);
        var clients = stack.Resources.Apis.Select(api => stack.ClientFor(api, Tenant)).ToArray();
        var before = await SettledMetricsAsync();

        var contents = Enumerable.Range(0, count).Select(i => UploadsClient.RandomBytes(1024 + i)).ToArray();
        var fileIds = new Guid[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            // Asked of one API, confirmed through the other: a replica serves any file of its tenant.
            var ticket = await clients[i % 2].RequestUploadAsync($"replica-{i}.bin", contents[i].Length, UploadsClient.Sha256Of(contents[i]));
            await UploadsClient.UploadToStorageAsync(ticket, contents[i]);
            await clients[(i + 1) % 2].ConfirmAsync((ticket.FileId, contents[i].Length));
            fileIds[i] = ticket.FileId;
        });

        // On a timeout, the files by status say where they stopped.
        await Eventually.MatchesAsync(
            async () => await stack.ScalarAsync("SELECT string_agg(status || ' ' || n, ', ' ORDER BY status) FROM (SELECT status, count(*) AS n FROM files WHERE id = ANY(@ids) GROUP BY status) AS counts", ("ids", fileIds)),
            statuses => (string?)statuses == $"SYNCED {count}",
            $"all {count} files to be SYNCED", TimeSpan.FromMinutes(4));

        var digests = await DigestsAsync(fileIds);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(UploadsClient.Sha256Of(contents[i]), digests[fileIds[i]]);
        }

        Assert.Equal(0, await stack.CountAsync(
            "SELECT count(*) FROM (SELECT file_id FROM file_transitions WHERE file_id = ANY(@ids) GROUP BY file_id, status HAVING count(*) <> 1) AS repeated",
            ("ids", fileIds)));

        // Every worker took its share from the one queue.
        var after = await SettledMetricsAsync();
        foreach (var worker in stack.Resources.Workers)
        {
            Assert.True(Synced(after, worker.Name) > Synced(before, worker.Name), $"{worker.Name} synced none of the files");
        }
    }

    [Fact]
    public async Task Either_API_streams_the_transitions_of_a_file_the_other_confirmed()
    {
        var (first, second) = (stack.ClientFor(stack.Resources.Apis[0], Tenant), stack.ClientFor(stack.Resources.Apis[1], Tenant));
        foreach (var (uploader, watcher) in new[] { (first, second), (second, first) })
        {
            var content = UploadsClient.RandomBytes(2048);
            var ticket = await uploader.RequestUploadAsync("watched.bin", content.Length, UploadsClient.Sha256Of(content));
            using var response = await watcher.Http.GetAsync($"/files/{ticket.FileId}/events", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            var reading = EventStreamReader.ReadAllAsync(response);

            await UploadsClient.UploadToStorageAsync(ticket, content);
            await uploader.ConfirmAsync((ticket.FileId, content.Length));
            var events = await reading.WaitAsync(Eventually.DefaultTimeout);

            Assert.Equal([FileStatus.Pending, FileStatus.Uploaded, FileStatus.Syncing, FileStatus.Synced], events.Select(e => e.Data.Status));
        }
    }

    async Task<Dictionary<Guid, string>> DigestsAsync(Guid[] fileIds)
    {
        await using var connection = stack.OpenDatabase();
        await using var command = new Npgsql.NpgsqlCommand("SELECT id, sha256 FROM files WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", fileIds);
        await using var reader = await command.ExecuteReaderAsync();
        var digests = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            digests[reader.GetGuid(0)] = reader.GetString(1);
        }

        return digests;
    }

    Task<IReadOnlyList<MetricView>> SettledMetricsAsync() => stack.Dashboard.SettledMetricsAsync(stack.Resources.Workers.Select(w => w.Name));

    static double Synced(IReadOnlyList<MetricView> metrics, string worker) =>
        DashboardClient.Total(metrics, worker, "uploads.files.transitions", ("uploads.file.status", "SYNCED"));
}
