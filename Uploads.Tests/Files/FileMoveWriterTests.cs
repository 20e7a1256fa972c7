using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Files;

/// <summary><see cref="FileMoveWriter"/> against PostgreSQL: the one statement writes what EF Core's SaveChanges writes, or nothing.</summary>
[Collection(StackCollection.Name)]
public sealed class FileMoveWriterTests(UploadsStack stack) : IAsyncLifetime
{
    const string Tenant = "move-writer";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await stack.ExecuteAsync("DELETE FROM webhook_messages WHERE tenant_id = @tenant", ("tenant", Tenant));
        await stack.ExecuteAsync("DELETE FROM files WHERE tenant_id = @tenant", ("tenant", Tenant));
    }

    [Fact]
    public async Task A_move_saved_in_one_statement_writes_the_same_rows_as_SaveChanges_and_leaves_the_context_as_SaveChanges_does()
    {
        await using var services = stack.DatabaseServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var now = DateTimeOffset.UtcNow;
        var (bySaveChanges, byOneStatement) = (await PendingFileAsync(databases, now), await PendingFileAsync(databases, now));

        await using (var db = await databases.ForTenantAsync(Tenant, CancellationToken.None))
        {
            var file = await db.Files.SingleAsync(f => f.Id == bySaveChanges);
            file.MarkExpired(now.AddSeconds(1));
            await db.SaveChangesAsync();
        }

        await using (var db = await databases.ForTenantAsync(Tenant, CancellationToken.None))
        {
            var file = await db.Files.SingleAsync(f => f.Id == byOneStatement);
            file.MarkExpired(now.AddSeconds(1));

            Assert.True(await services.GetRequiredService<FileMoveWriter>().TrySaveAsync(db, file, CancellationToken.None));

            Assert.False(db.ChangeTracker.HasChanges());
            Assert.Equal((await stack.ScalarAsync("SELECT xmin::text FROM files WHERE id = @id", ("id", byOneStatement)))!.ToString(), file.Version.ToString());
            Assert.Equal(
                await stack.ScalarAsync("SELECT max(id) FROM file_transitions WHERE file_id = @id", ("id", byOneStatement)),
                file.History[^1].Id);
        }

        Assert.Equal(await stack.FileRowsAsJsonAsync(bySaveChanges), await stack.FileRowsAsJsonAsync(byOneStatement));
        Assert.Contains("\"status\": \"EXPIRED\"", await stack.FileRowsAsJsonAsync(byOneStatement), StringComparison.Ordinal);
        Assert.Contains("\"event_type\": \"file.expired\"", await stack.FileRowsAsJsonAsync(byOneStatement), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_move_from_a_version_that_is_no_longer_the_rows_writes_nothing()
    {
        await using var services = stack.DatabaseServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var writer = services.GetRequiredService<FileMoveWriter>();
        var now = DateTimeOffset.UtcNow;
        var id = await PendingFileAsync(databases, now);
        await using var confirming = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        await using var expiring = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        var confirmed = await confirming.Files.SingleAsync(f => f.Id == id);
        var expired = await expiring.Files.SingleAsync(f => f.Id == id);

        confirmed.MarkUploaded(6, now);
        expired.MarkExpired(now);

        Assert.True(await writer.TrySaveAsync(confirming, confirmed, CancellationToken.None));
        Assert.False(await writer.TrySaveAsync(expiring, expired, CancellationToken.None));
        Assert.Equal("UPLOADED", await stack.ScalarAsync("SELECT status FROM files WHERE id = @id", ("id", id)));
        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM file_transitions WHERE file_id = @id AND status = 'EXPIRED'", ("id", id)));
        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM webhook_messages WHERE file_id = @id", ("id", id)));
    }

    /// <summary>A PENDING file whose upload window is an hour long: the stack's reconciler leaves it to the test.</summary>
    static async Task<Guid> PendingFileAsync(UploadsDatabases databases, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7();
        await using var db = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        db.Files.Add(FileRecord.Request(id, Tenant, "moved.txt", null, "text/plain", ObjectKeys.For(Tenant, id), 6, null, now.AddHours(1), now));
        await db.SaveChangesAsync();
        return id;
    }
}
