using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Files;

/// <summary><see cref="FileMoveWriter"/> against PostgreSQL: the one statement writes what EF Core's SaveChanges writes, or nothing; several go in one transaction.</summary>
public sealed class FileMoveWriterTests(UploadsStack stack) : IAsyncLifetime
{
    const string Tenant = "move-writer";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
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
        var (bySaveChanges, byOneStatement) = (await PendingFiles.StoreAsync(databases, Tenant, now), await PendingFiles.StoreAsync(databases, Tenant, now));

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
        var id = await PendingFiles.StoreAsync(databases, Tenant, now);
        await using var confirming = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        await using var expiring = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        var confirmed = await confirming.Files.SingleAsync(f => f.Id == id);
        var expired = await expiring.Files.SingleAsync(f => f.Id == id);

        confirmed.MarkUploaded(6, now);
        expired.MarkExpired(now);

        Assert.True(await writer.TrySaveAsync(confirming, confirmed, CancellationToken.None));
        Assert.False(await writer.TrySaveAsync(expiring, expired, CancellationToken.None));
        Assert.Equal("UPLOADED", await stack.StateAfterFirstMoveAsync(id));
        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM file_transitions WHERE file_id = @id AND status = 'EXPIRED'", ("id", id)));
        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM webhook_messages WHERE file_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Moves_saved_together_share_one_transaction_and_a_move_whose_file_changed_holds_back_none_of_the_others()
    {
        await using var services = stack.DatabaseServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var writer = services.GetRequiredService<FileMoveWriter>();
        var now = DateTimeOffset.UtcNow;
        var ids = new[] { await PendingFiles.StoreAsync(databases, Tenant, now), await PendingFiles.StoreAsync(databases, Tenant, now), await PendingFiles.StoreAsync(databases, Tenant, now) };
        var contexts = new List<UploadsDbContext>();
        try
        {
            var moves = new List<FileMove>();
            foreach (var id in ids)
            {
                var db = await databases.ForTenantAsync(Tenant, CancellationToken.None);
                contexts.Add(db);
                var file = await db.Files.SingleAsync(f => f.Id == id);
                // The last is announced to webhooks: its move adds an outbox message as well as its history row.
                if (id == ids[^1])
                {
                    file.MarkExpired(now);
                }
                else
                {
                    file.MarkUploaded(6, now);
                }

                moves.Add(new FileMove(db, file));
            }

            // The second file changes after it was read: its move is from a version that is no longer the row's.
            await stack.ExecuteAsync("UPDATE files SET filename = 'renamed.txt' WHERE id = @id", ("id", ids[1]));

            Assert.Equal([true, false, true], await writer.TrySaveAllAsync(moves, CancellationToken.None));

            // An UPLOADED file is the stack's worker's to take further at once (with no object, to FAILED): read what the write did.
            Assert.Equal(["UPLOADED", "PENDING", "EXPIRED"], await Task.WhenAll(ids.Select(stack.StateAfterFirstMoveAsync)));
            Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM file_transitions WHERE file_id = @id AND status <> 'PENDING'", ("id", ids[1])));
            Assert.Equal(1, await stack.CountAsync("SELECT count(*) FROM webhook_messages WHERE file_id = @id", ("id", ids[2])));
            Assert.Equal(1, await stack.CountAsync(
                "SELECT count(DISTINCT xmin::text) FROM file_transitions WHERE file_id = ANY(@ids) AND status <> 'PENDING'", ("ids", ids)));
            Assert.False(contexts[0].ChangeTracker.HasChanges());
            Assert.False(contexts[2].ChangeTracker.HasChanges());
            Assert.True(contexts[1].ChangeTracker.HasChanges());
        }
        finally
        {
            foreach (var db in contexts)
            {
                await db.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Moves_saved_together_of_which_one_fails_write_none_of_them()
    {
        await using var services = stack.DatabaseServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var now = DateTimeOffset.UtcNow;
        var ids = new[] { await PendingFiles.StoreAsync(databases, Tenant, now), await PendingFiles.StoreAsync(databases, Tenant, now) };
        await using var first = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        await using var second = await databases.ForTenantAsync(Tenant, CancellationToken.None);
        var moves = new List<FileMove> { await PendingFiles.UploadedMoveAsync(first, ids[0], now), await PendingFiles.UploadedMoveAsync(second, ids[1], now) };

        // A history row PostgreSQL refuses, for the second file only.
        await using (await stack.RefuseInsertsAsync("file_transitions", $"NEW.file_id = '{ids[1]}'"))
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => services.GetRequiredService<FileMoveWriter>().TrySaveAllAsync(moves, CancellationToken.None));
            Assert.Contains("refused by the test", failure.ToString());
        }

        Assert.Equal(2, await stack.CountAsync("SELECT count(*) FROM files WHERE id = ANY(@ids) AND status = 'PENDING'", ("ids", ids)));
        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM file_transitions WHERE file_id = ANY(@ids) AND status <> 'PENDING'", ("ids", ids)));
    }
}
