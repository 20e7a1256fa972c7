using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

[Collection(StackCollection.Name)]
public sealed class DependencyRestartTests(UploadsStack stack)
{
    [Fact]
    public async Task Files_confirmed_while_RabbitMQ_is_down_sync_once_it_is_back_without_another_call()
    {
        var contents = Enumerable.Range(0, 3).Select(_ => UploadsClient.RandomBytes(3000)).ToArray();
        var fileIds = new List<Guid>();
        await stack.Runner(stack.Resources.Messaging).StopAsync();
        try
        {
            foreach (var content in contents)
            {
                fileIds.Add(await stack.Client.UploadAndConfirmAsync(content));
            }

            foreach (var fileId in fileIds)
            {
                Assert.Equal(FileStatus.Uploaded, (await stack.Client.GetFileAsync(fileId)).Status);
            }
        }
        finally
        {
            await stack.StartAsync([stack.Resources.Messaging]);
        }

        for (var i = 0; i < contents.Length; i++)
        {
            var file = await stack.Client.WaitForStatusAsync(fileIds[i], FileStatus.Synced, TimeSpan.FromMinutes(2));
            Assert.Equal(UploadsClient.Sha256Of(contents[i]), file.Sha256);
        }
    }

    [Fact]
    public async Task With_Redis_down_files_still_sync_and_reads_fall_back_to_storage()
    {
        var content = UploadsClient.RandomBytes(10_000);
        Guid fileId;
        await stack.Runner(stack.Resources.Cache).StopAsync();
        try
        {
            fileId = await stack.Client.UploadAndConfirmAsync(content);
            var file = await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);
            Assert.Equal(FileStatus.Synced, file.Status);

            var (cacheWhileDown, bytesWhileDown) = await ReadContentAsync(fileId);
            Assert.Equal("MISS", cacheWhileDown);
            Assert.Equal(content, bytesWhileDown);
        }
        finally
        {
            await stack.StartAsync([stack.Resources.Cache]);
        }

        // Redis is back, empty: a read from storage puts the content back, and a later read is a hit.
        var (_, bytesAfter) = await ReadContentAsync(fileId);
        Assert.Equal(content, bytesAfter);
        await Eventually.TrueAsync(async () => (await ReadContentAsync(fileId)).Cache == "HIT", "reads to be served from Redis again");
    }

    [Fact]
    public async Task A_PostgreSQL_restart_during_a_burst_of_uploads_loses_and_duplicates_nothing()
    {
        const int count = 40;
        var batch = Guid.NewGuid().ToString("N");
        var contents = Enumerable.Range(0, count).Select(_ => UploadsClient.RandomBytes(2048)).ToArray();
        var confirmed = new ConcurrentDictionary<int, Guid>();
        var started = 0;
        var burst = Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            Interlocked.Increment(ref started);
            var content = contents[i];
            var ticket = await UploadsClient.RetryWhileUnavailableAsync(
                () => stack.Client.RequestUploadAsync($"burst-{i}.bin", content.Length, UploadsClient.Sha256Of(content), batch), TimeSpan.FromMinutes(2));
            await UploadsClient.UploadToStorageAsync(ticket, content);
            await UploadsClient.RetryWhileUnavailableAsync(() => stack.Client.ConfirmAsync((ticket.FileId, content.Length)), TimeSpan.FromMinutes(2));
            confirmed[i] = ticket.FileId;
        });

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref started) >= count / 4), "the burst to be under way");
        await stack.Runner(stack.Resources.Postgres).StopAsync();
        await stack.StartAsync([stack.Resources.Postgres]);
        await burst;

        Assert.Equal(count, confirmed.Count);
        foreach (var (i, fileId) in confirmed)
        {
            var file = await UploadsClient.RetryWhileUnavailableAsync(
                () => stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced, TimeSpan.FromMinutes(2)), TimeSpan.FromMinutes(2));
            Assert.Equal(FileStatus.Synced, file.Status);
            Assert.Equal(UploadsClient.Sha256Of(contents[i]), file.Sha256);
            Assert.Single(file.History, h => h.Status == FileStatus.Synced);
        }

        Assert.Equal(count, await stack.CountAsync("SELECT count(*) FROM files WHERE external_id = @batch", ("batch", batch)));
    }

    async Task<(string? Cache, byte[] Bytes)> ReadContentAsync(Guid fileId)
    {
        using var response = await stack.Client.Http.GetAsync($"/files/{fileId}/content");
        response.EnsureSuccessStatusCode();
        return (response.Headers.TryGetValues("X-Cache", out var cache) ? cache.Single() : null, await response.Content.ReadAsByteArrayAsync());
    }
}
