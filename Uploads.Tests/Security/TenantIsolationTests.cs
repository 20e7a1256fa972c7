using Uploads.Infrastructure.Storage;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Infrastructure.Data;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Security;

public sealed class TenantIsolationTests(UploadsStack stack)
{
    readonly UploadsClient alice = stack.ClientFor("alice");
    readonly UploadsClient bob = stack.ClientFor("bob");

    [Fact]
    public async Task Another_tenant_cannot_see_a_file_and_is_told_404_not_403()
    {
        var fileId = await SyncedFileOfAliceAsync(UploadsClient.RandomBytes(100));

        using var response = await bob.Http.GetAsync($"/files/{fileId}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("FILE_NOT_FOUND", (await Problems.ReadAsync(response)).Code);
    }

    [Fact]
    public async Task Another_tenant_does_not_list_a_file()
    {
        var marker = Guid.NewGuid().ToString("N");
        await alice.RequestUploadAsync("listed.txt", externalId: marker);

        var theirs = await bob.Http.GetFromJsonAsync<FilePage>($"/files?external_id={marker}", UploadsClient.Json);
        var mine = await alice.Http.GetFromJsonAsync<FilePage>($"/files?external_id={marker}", UploadsClient.Json);

        Assert.Empty(theirs!.Files);
        Assert.Single(mine!.Files);
    }

    [Fact]
    public async Task Another_tenant_cannot_confirm_a_file()
    {
        var content = UploadsClient.RandomBytes(100);
        var ticket = await alice.RequestUploadAsync("mine.bin", content.Length);
        await UploadsClient.UploadToStorageAsync(ticket, content);

        var confirmation = await bob.ConfirmAsync((ticket.FileId, content.Length));

        Assert.Equal(ConfirmationCodes.FileNotFound, confirmation.Results.Single().Error?.Code);
        Assert.Equal(FileStatus.Pending, (await alice.GetFileAsync(ticket.FileId)).Status);
    }

    [Fact]
    public async Task Another_tenant_cannot_read_the_content_or_stream_the_events_of_a_file()
    {
        var fileId = await SyncedFileOfAliceAsync(UploadsClient.RandomBytes(100));

        using var content = await bob.Http.GetAsync($"/files/{fileId}/content");
        using var events = await bob.Http.GetAsync($"/files/{fileId}/events");

        Assert.Equal(HttpStatusCode.NotFound, content.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
    }

    [Fact]
    public async Task Another_tenant_cannot_resume_complete_or_cancel_a_multipart_upload()
    {
        using var started = await alice.PostJsonAsync("/files/multipart-upload", new { filename = "parts.bin", size = 6 * 1024 * 1024 });
        var ticket = (await started.Content.ReadFromJsonAsync<MultipartUploadTicket>(UploadsClient.Json))!;

        using var resumed = await bob.Http.GetAsync($"/files/{ticket.FileId}/multipart-upload");
        using var completed = await bob.PostJsonAsync($"/files/{ticket.FileId}/complete-multipart",
            new { parts = new[] { new { part_number = 1, etag = "\"0\"" } } });
        using var cancelled = await bob.Http.DeleteAsync($"/files/{ticket.FileId}/multipart-upload");

        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, resumed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, completed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancelled.StatusCode);
        Assert.Equal(FileStatus.Pending, (await alice.GetFileAsync(ticket.FileId)).Status);
    }

    [Fact]
    public async Task Deduplication_never_crosses_tenants_and_keys_never_collide()
    {
        var content = UploadsClient.RandomBytes(2000);
        var alicesFile = await SyncedFileOfAliceAsync(content);

        using var response = await bob.PostJsonAsync("/files/presigned-upload",
            new { filename = "same.bin", size = content.Length, sha256 = UploadsClient.Sha256Of(content) });
        var ticket = (await response.Content.ReadFromJsonAsync<UploadTicket>(UploadsClient.Json))!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(ticket.Deduplicated);
        Assert.NotEqual(alicesFile, ticket.FileId);
        Assert.StartsWith("tenants/bob/", ticket.FormFields!["key"]);
        Assert.Equal(ObjectKeys.For("alice", alicesFile), await ObjectKeyAsync(alicesFile));
    }

    [Fact]
    public async Task A_database_context_sees_only_its_tenant_and_one_without_a_tenant_sees_nothing()
    {
        var fileId = await SyncedFileOfAliceAsync(UploadsClient.RandomBytes(100));
        var options = new DbContextOptionsBuilder<UploadsDbContext>().UseNpgsql(stack.Resources.Database.ConnectionString).Options;

        await using var asBob = new UploadsDbContext(options) { TenantId = "bob" };
        await using var asAlice = new UploadsDbContext(options) { TenantId = "alice" };
        await using var asNobody = new UploadsDbContext(options);

        Assert.Null(await asBob.Files.FindAsync(fileId));
        Assert.Empty(await asBob.Files.Where(f => f.Id == fileId).ToListAsync());
        Assert.NotNull(await asAlice.Files.SingleOrDefaultAsync(f => f.Id == fileId));
        Assert.Equal(0, await asNobody.Files.CountAsync());
        Assert.Equal(0, await asBob.Files.CountAsync(f => f.TenantId == "alice"));
    }

    [Fact]
    public async Task A_pooled_context_leased_again_for_a_tenant_never_keeps_the_all_tenants_view_of_its_last_lease()
    {
        var fileId = await SyncedFileOfAliceAsync(UploadsClient.RandomBytes(100));
        await using var services = stack.DatabaseServices();
        var databases = services.GetRequiredService<UploadsDatabases>();

        UploadsDbContext systemLease;
        await using (systemLease = await databases.ForAllTenantsAsync(CancellationToken.None))
        {
            Assert.NotNull(await systemLease.Files.SingleOrDefaultAsync(f => f.Id == fileId));
        }

        await using (var bobLease = await databases.ForTenantAsync("bob", CancellationToken.None))
        {
            Assert.Same(systemLease, bobLease);
            Assert.Null(await bobLease.Files.SingleOrDefaultAsync(f => f.Id == fileId));
        }

        await using var aliceLease = await databases.ForTenantAsync("alice", CancellationToken.None);
        Assert.NotNull(await aliceLease.Files.SingleOrDefaultAsync(f => f.Id == fileId));
    }

    async Task<Guid> SyncedFileOfAliceAsync(byte[] content)
    {
        var fileId = await alice.UploadAndConfirmAsync(content);
        Assert.Equal(FileStatus.Synced, (await alice.WaitForStatusAsync(fileId, FileStatus.Synced)).Status);
        return fileId;
    }

    async Task<string> ObjectKeyAsync(Guid fileId)
    {
        await using var connection = stack.OpenDatabase();
        await using var command = new Npgsql.NpgsqlCommand("SELECT object_key FROM files WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", fileId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
