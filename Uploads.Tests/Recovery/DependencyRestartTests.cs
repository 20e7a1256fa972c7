using System.Collections.Concurrent;
using System.Net;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

[Collection(ExclusiveCollection.Name)]
public sealed class DependencyRestartTests(UploadsStack stack)
{
    [Fact]
    public async Task Files_confirmed_while_RabbitMQ_is_down_sync_once_it_is_back_without_another_call()
    {
        var contents = Enumerable.Range(0, 3).Select(_ => UploadsClient.RandomBytes(3000)).ToArray();
        var fileIds = new List<Guid>();
        await stack.StopAsync(stack.Resources.Messaging);
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
        await stack.StopAsync(stack.Resources.Cache);
        try
        {
            fileId = await stack.Client.UploadAndConfirmAsync(content);
            var file = await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);
            Assert.Equal(FileStatus.Synced, file.Status);

            var (cacheWhileDown, bytesWhileDown) = await ReadContentAsync(fileId);
            Assert.Equal("MISS", cacheWhileDown);
            Assert.Equal(content, bytesWhileDown);

            // Degraded, not unhealthy: the API stays in rotation (200) and says what is missing.
            using var health = await stack.Client.Http.GetAsync("/health");
            Assert.Equal((HttpStatusCode.OK, "Degraded"), (health.StatusCode, await health.Content.ReadAsStringAsync()));
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
    public async Task A_PostgreSQL_restart_during_a_burst_of_uploads_is_answered_503_with_Retry_After_and_loses_and_duplicates_nothing()
    {
        var batch = Guid.NewGuid().ToString("N");
        var responses = new ResponseLog();
        var client = stack.ClientFor(UploadsStack.Tenant, handler: responses);
        var confirmed = new ConcurrentDictionary<Guid, string>();
        using var stopBurst = new CancellationTokenSource();
        // Uploads flow until the test has seen the outage and the recovery: the outage cannot land after the work.
        // Four lanes at once, whatever the machine's cores (Parallel's default is one lane per core).
        var burst = Parallel.ForEachAsync(Enumerable.Range(0, 4), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (lane, _) =>
        {
            for (var i = 0; !stopBurst.IsCancellationRequested; i++)
            {
                var content = UploadsClient.RandomBytes(2048);
                var ticket = await UploadsClient.RetryWhileUnavailableAsync(
                    () => client.RequestUploadAsync($"burst-{lane}-{i}.bin", content.Length, UploadsClient.Sha256Of(content), batch), TimeSpan.FromMinutes(2));
                await UploadsClient.UploadToStorageAsync(ticket, content);
                await UploadsClient.RetryWhileUnavailableAsync(() => client.ConfirmAsync((ticket.FileId, content.Length)), TimeSpan.FromMinutes(2));
                confirmed[ticket.FileId] = UploadsClient.Sha256Of(content);
            }
        });

        await Eventually.TrueAsync(() => Task.FromResult(confirmed.Count >= 10), "the burst to be under way");
        await stack.StopAsync(stack.Resources.Postgres);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(responses.CountWithRetryAfter(HttpStatusCode.ServiceUnavailable) > 0),
                "a call to meet the outage and be answered 503 with Retry-After");
        }
        finally
        {
            await stack.StartAsync([stack.Resources.Postgres]);
        }

        var confirmedBeforeRecovery = confirmed.Count;
        await Eventually.TrueAsync(() => Task.FromResult(confirmed.Count >= confirmedBeforeRecovery + 10), "the burst to go on after the restart");
        await stopBurst.CancelAsync();
        await burst;

        Assert.Equal(0, responses.Count(HttpStatusCode.InternalServerError));
        foreach (var (fileId, sha256) in confirmed)
        {
            var file = await UploadsClient.RetryWhileUnavailableAsync(
                () => stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced, TimeSpan.FromMinutes(2)), TimeSpan.FromMinutes(2));
            Assert.Equal(sha256, file.Sha256);
            Assert.Single(file.History, h => h.Status == FileStatus.Synced);
        }

        // No record was made twice: a presign retried across the outage found the record its first attempt left.
        Assert.Equal(confirmed.Count, await stack.CountAsync("SELECT count(*) FROM files WHERE external_id = @batch", ("batch", batch)));
    }

    async Task<(string? Cache, byte[] Bytes)> ReadContentAsync(Guid fileId)
    {
        using var response = await stack.Client.Http.GetAsync($"/files/{fileId}/content");
        response.EnsureSuccessStatusCode();
        return (response.Headers.TryGetValues("X-Cache", out var cache) ? cache.Single() : null, await response.Content.ReadAsByteArrayAsync());
    }
}
