using System.Collections.Concurrent;
using System.Net;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

[Collection(ExclusiveCollection.Name)]
public sealed class ChaosTests(UploadsStack stack, ITestOutputHelper output)
{
    const int MiB = 1024 * 1024;

    /// <summary>
    /// Rounds of every fault; CI runs one with faults of half a second to a second and a half (the benchmark's last
    /// one to three), <c>UPLOADS_CHAOS_ROUNDS</c> asks for more.
    /// </summary>
    static int Rounds => int.TryParse(Environment.GetEnvironmentVariable("UPLOADS_CHAOS_ROUNDS"), out var rounds) ? rounds : 1;

    [Fact]
    public async Task Under_random_faults_on_every_link_worker_kills_and_broker_restarts_every_confirmed_file_settles_once()
    {
        var seed = Environment.TickCount;
        var monkey = new ChaosMonkey(stack.Local, seed, longestHold: TimeSpan.FromSeconds(1.5));
        var responses = new ResponseLog();
        var client = stack.ClientFor(UploadsStack.Tenant, handler: responses);
        var batch = $"chaos-{Guid.NewGuid():N}";
        var confirmed = new ConcurrentDictionary<Guid, string>();
        using var stopUploads = new CancellationTokenSource();

        // Four lanes of single uploads and one of multipart ones, retrying what a fault refused, as a client should.
        // Five lanes at once, whatever the machine's cores (Parallel's default is one lane per core).
        var uploads = Parallel.ForEachAsync(Enumerable.Range(0, 5), new ParallelOptions { MaxDegreeOfParallelism = 5 }, async (lane, _) =>
        {
            for (var i = 0; !stopUploads.IsCancellationRequested; i++)
            {
                var (fileId, sha256) = lane == 0
                    ? await UploadMultipartAsync(client, UploadsClient.RandomBytes(6 * MiB), batch)
                    : await UploadSingleAsync(client, UploadsClient.RandomBytes(Random.Shared.Next(1, 64 * 1024)), batch);
                confirmed[fileId] = sha256;
            }
        });

        var proxiesBefore = stack.Proxies.All.ToDictionary(p => p.Name, Disturbed);
        await monkey.RunAsync(Rounds);
        var proxiesAfter = stack.Proxies.All.ToDictionary(p => p.Name, Disturbed);
        await stopUploads.CancelAsync();
        await uploads;

        var settled = new Dictionary<FileStatus, int>();
        foreach (var (fileId, sha256) in confirmed)
        {
            var file = await UploadsClient.RetryWhileUnavailableAsync(
                () => stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced, TimeSpan.FromMinutes(3)), TimeSpan.FromMinutes(3));
            Assert.True(file.Status is FileStatus.Synced or FileStatus.Failed, $"file {fileId} is stuck {file.Status}");
            if (file.Status == FileStatus.Synced)
            {
                Assert.Equal(sha256, file.Sha256);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(file.History[^1].Reason), $"file {fileId} FAILED without a reason");
            }

            settled[file.Status] = settled.GetValueOrDefault(file.Status) + 1;
        }

        output.WriteLine($"seed {seed}, {Rounds} round(s): {confirmed.Count} files confirmed; "
            + string.Join(", ", settled.Select(s => $"{s.Value} {s.Key}")));
        output.WriteLine("faults injected: " + string.Join(", ", monkey.Injected.OrderBy(f => f.Key).Select(f => $"{f.Key} ×{f.Value}")));
        output.WriteLine($"answered 503 with Retry-After: {responses.CountWithRetryAfter(HttpStatusCode.ServiceUnavailable)}");
        foreach (var proxy in stack.Proxies.All)
        {
            output.WriteLine(proxy.ToString());
        }

        // The faults met the work: every kind was made, and each link refused, reset, swallowed or delayed something.
        // (Short database faults are mostly ridden out by EF Core's retries, so a 503 is likely but not certain.)
        Assert.Equal(monkey.Kinds, monkey.Injected.Count);
        Assert.All(monkey.Injected.Values, made => Assert.Equal(Rounds, made));
        Assert.All(stack.Proxies.All, proxy => Assert.True(proxiesAfter[proxy.Name] > proxiesBefore[proxy.Name], $"during the run: {proxy}"));
        Assert.Equal(0, responses.Count(HttpStatusCode.InternalServerError));
        Assert.NotEmpty(confirmed);
        Assert.Equal(0, await stack.CountAsync(
            """
            SELECT count(*) FROM (
                SELECT file_id FROM file_transitions WHERE file_id = ANY(@ids) AND status IN ('SYNCED', 'FAILED')
                GROUP BY file_id HAVING count(*) <> 1) AS twice
            """,
            ("ids", confirmed.Keys.ToArray())));
    }

    static async Task<(Guid, string)> UploadSingleAsync(UploadsClient client, byte[] content, string batch)
    {
        var sha256 = UploadsClient.Sha256Of(content);
        var ticket = await UploadsClient.RetryWhileUnavailableAsync(
            () => client.RequestUploadAsync("chaos.bin", content.Length, sha256, batch), TimeSpan.FromMinutes(2));
        await UploadsClient.UploadToStorageAsync(ticket, content);
        var confirmation = await UploadsClient.RetryWhileUnavailableAsync(() => client.ConfirmAsync((ticket.FileId, content.Length)), TimeSpan.FromMinutes(2));
        Assert.Null(confirmation.Results.Single().Error);
        return (ticket.FileId, sha256);
    }

    static async Task<(Guid, string)> UploadMultipartAsync(UploadsClient client, byte[] content, string batch)
    {
        var sha256 = UploadsClient.Sha256Of(content);
        // No digest declared: a start retried after a commit whose answer was lost would meet its own PENDING digest
        // and be answered 409 (noted in docs/known-limits.md).
        var ticket = await UploadsClient.RetryWhileUnavailableAsync(
            () => client.StartMultipartAsync($"{batch}.bin", content.Length), TimeSpan.FromMinutes(2));
        var etags = new Dictionary<int, string>();
        foreach (var part in ticket.Parts!)
        {
            etags[part.PartNumber] = await UploadsClient.PutPartAsync(part, content, ticket.PartSize);
        }

        var completion = await UploadsClient.RetryWhileUnavailableAsync(() => client.CompleteMultipartAsync(ticket.FileId, etags), TimeSpan.FromMinutes(2));
        Assert.Null(completion.Error);
        return (ticket.FileId, sha256);
    }

    /// <summary>What a proxy refused, reset, swallowed or delayed so far: taken around the run, the difference is this run's.</summary>
    static long Disturbed(FaultProxy proxy) => proxy.Refused + proxy.Reset + proxy.Swallowed + proxy.Delayed;
}
