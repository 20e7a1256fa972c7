using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

/// <summary>The group commit of upload requests (<see cref="PendingFileGroupCommit"/>): many callers, one write, no URL without a record.</summary>
public sealed class GroupCommitTests(UploadsStack stack)
{
    const string RefusedPrefix = "refused-by-test-";

    [Fact]
    public async Task Two_hundred_concurrent_upload_requests_give_two_hundred_durable_records_and_two_hundred_forms_storage_accepts()
    {
        // A tenant of its own: its burst allowance (200) covers every request at once.
        var client = stack.ClientFor($"group-{Guid.NewGuid():N}");
        var run = Guid.NewGuid().ToString("N");

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            client.PostJsonAsync("/files/presigned-upload", new { filename = $"{run}-{i}.txt", size = 6 })));
        var tickets = await Task.WhenAll(responses.Select(async r =>
        {
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            return (await r.Content.ReadFromJsonAsync<UploadTicket>(UploadsClient.Json))!;
        }));

        Assert.Equal(200, tickets.Select(t => t.FileId).Distinct().Count());
        Assert.Equal(200, await stack.CountAsync(
            "SELECT count(*) FROM files WHERE filename LIKE @run AND status = 'PENDING' AND id = ANY(@ids)",
            ("run", $"{run}-%"), ("ids", tickets.Select(t => t.FileId).ToArray())));
        Assert.Equal(200, await stack.CountAsync(
            "SELECT count(*) FROM file_transitions WHERE status = 'PENDING' AND file_id = ANY(@ids)", ("ids", tickets.Select(t => t.FileId).ToArray())));

        // A row's xmin is the transaction that wrote it: fewer transactions than rows means callers shared commits.
        var transactions = await stack.CountAsync("SELECT count(DISTINCT xmin::text) FROM files WHERE id = ANY(@ids)", ("ids", tickets.Select(t => t.FileId).ToArray()));
        Assert.InRange(transactions, 1, 199);

        using var storageCalls = new SemaphoreSlim(16);
        await Task.WhenAll(tickets.Select(async ticket =>
        {
            await storageCalls.WaitAsync();
            try
            {
                await UploadsClient.UploadToStorageAsync(ticket, "hello!"u8.ToArray());
            }
            finally
            {
                storageCalls.Release();
            }
        }));
        var confirmation = await client.ConfirmAsync(tickets.Take(100).Select(t => (t.FileId, 6L)).ToArray());
        Assert.Equal(100, confirmation.Confirmed);
        confirmation = await client.ConfirmAsync(tickets.Skip(100).Select(t => (t.FileId, 6L)).ToArray());
        Assert.Equal(100, confirmation.Confirmed);

        // The files of one confirmation are written side by side, and their moves share commits too.
        var confirmations = await stack.CountAsync(
            "SELECT count(DISTINCT xmin::text) FROM file_transitions WHERE status = 'UPLOADED' AND file_id = ANY(@ids)", ("ids", tickets.Select(t => t.FileId).ToArray()));
        Assert.InRange(confirmations, 1, 199);
    }

    [Fact]
    public async Task A_group_whose_write_fails_fails_every_caller_in_it_and_stores_none_of_them()
    {
        await using var refusal = await stack.RefuseInsertsAsync("files", $"NEW.filename LIKE '{RefusedPrefix}%'");
        await using var services = GroupCommitServices();
        var groupCommit = services.GetRequiredService<PendingFileGroupCommit>();
        var records = services.GetRequiredService<UploadRecords>();
        var run = Guid.NewGuid().ToString("N");

        // Nine requests that are fine, and one the database refuses, in one group.
        var group = Enumerable.Range(0, 10)
            .Select(i => new GroupedWrite<FileRecord, bool>(records.NewPending("group-tenant", records.Allocate("group-tenant"),
                new ValidatedUpload(i == 4 ? $"{RefusedPrefix}{run}.txt" : $"{run}-{i}.txt", null, "text/plain", 6, null),
                TimeSpan.FromMinutes(5), multipartUploadId: null)))
            .ToList();
        await groupCommit.WriteAsync(group, CancellationToken.None);

        foreach (var write in group)
        {
            var failure = await Assert.ThrowsAsync<GroupCommitFailedException>(() => write.Outcome.Task);
            Assert.Contains("refused by the test", failure.InnerException?.ToString());
        }

        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM files WHERE filename LIKE @run", ("run", $"%{run}%")));
    }

    [Fact]
    public async Task Upload_requests_whose_group_is_not_stored_get_503_and_no_url()
    {
        await using var refusal = await stack.RefuseInsertsAsync("files", $"NEW.filename LIKE '{RefusedPrefix}%'");
        var client = stack.ClientFor($"group-{Guid.NewGuid():N}");
        var run = Guid.NewGuid().ToString("N");

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            client.PostJsonAsync("/files/presigned-upload", new { filename = $"{RefusedPrefix}{run}-{i}.txt", size = 6 })));

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            var problem = await Problems.ReadAsync(response);
            Assert.Equal("SERVICE_UNAVAILABLE", problem.Code);
            Assert.DoesNotContain("upload_url", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM files WHERE filename LIKE @run", ("run", $"%{run}%")));
    }

    ServiceProvider GroupCommitServices() => stack.DatabaseServices(services => services
        .AddSingleton(TimeProvider.System)
        .AddSingleton<UploadRecords>()
        .AddSingleton(Options.Create(new UploadOptions()))
        .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
        .AddSingleton<PendingFileGroupCommit>());
}
