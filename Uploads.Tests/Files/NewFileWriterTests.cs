using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Files;

/// <summary><see cref="NewFileWriter"/> against PostgreSQL: the one statement writes what EF Core's SaveChanges writes, all or none.</summary>
public sealed class NewFileWriterTests(UploadsStack stack) : IAsyncLifetime
{
    const string Tenant = "new-file-writer";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await stack.ExecuteAsync("DELETE FROM files WHERE tenant_id = @tenant", ("tenant", Tenant));

    [Fact]
    public async Task New_files_written_in_one_statement_have_the_same_rows_as_files_saved_by_SaveChanges()
    {
        await using var services = stack.DatabaseServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var now = DateTimeOffset.UtcNow;
        // Every optional column filled in one, left empty in the other.
        FileRecord[] Files() =>
        [
            New(now, externalId: "order-7", size: 6, sha256: NewDigest(), multipartUploadId: "parts-1"),
            New(now, externalId: null, size: null, sha256: null, multipartUploadId: null),
        ];
        var (bySaveChanges, byOneStatement) = (Files(), Files());

        await using (var db = await databases.ForNewFilesAsync(CancellationToken.None))
        {
            db.Files.AddRange(bySaveChanges);
            await db.SaveChangesAsync();
        }

        await using (var db = await databases.ForNewFilesAsync(CancellationToken.None))
        {
            await services.GetRequiredService<NewFileWriter>().InsertAsync(db, byOneStatement, CancellationToken.None);
        }

        foreach (var (saved, written) in bySaveChanges.Zip(byOneStatement))
        {
            // The digest differs by construction: one PENDING file per digest.
            Assert.Equal(await stack.FileRowsAsJsonAsync(saved.Id, "declared_sha256"), await stack.FileRowsAsJsonAsync(written.Id, "declared_sha256"));
        }

        Assert.Contains("\"external_id\": \"order-7\"", await stack.FileRowsAsJsonAsync(byOneStatement[0].Id), StringComparison.Ordinal);
        Assert.Equal(byOneStatement[0].DeclaredSha256, await stack.ScalarAsync("SELECT declared_sha256 FROM files WHERE id = @id", ("id", byOneStatement[0].Id)));
        Assert.Contains("\"status\": \"PENDING\"", await stack.FileRowsAsJsonAsync(byOneStatement[1].Id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_with_one_file_that_collides_stores_none_of_them()
    {
        await using var services = stack.DatabaseServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var writer = services.GetRequiredService<NewFileWriter>();
        var now = DateTimeOffset.UtcNow;
        var digest = NewDigest();
        await using (var db = await databases.ForNewFilesAsync(CancellationToken.None))
        {
            await writer.InsertAsync(db, [New(now, null, 6, digest, null)], CancellationToken.None);
        }

        FileRecord[] group = [New(now, null, 6, null, null), New(now, null, 6, digest, null), New(now, null, 6, null, null)];
        await using (var db = await databases.ForNewFilesAsync(CancellationToken.None))
        {
            var collision = await Assert.ThrowsAsync<PostgresException>(() => writer.InsertAsync(db, group, CancellationToken.None));
            Assert.Equal(PostgresErrorCodes.UniqueViolation, collision.SqlState);
        }

        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM files WHERE id = ANY(@ids)", ("ids", group.Select(f => f.Id).ToArray())));
        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM file_transitions WHERE file_id = ANY(@ids)", ("ids", group.Select(f => f.Id).ToArray())));
    }

    [Fact]
    public async Task A_file_whose_history_a_webhook_announces_is_left_to_SaveChanges_and_its_outbox()
    {
        await using var services = stack.DatabaseServices();
        var databases = services.GetRequiredService<UploadsDatabases>();
        var expired = New(DateTimeOffset.UtcNow, null, 6, null, null);
        expired.MarkExpired(DateTimeOffset.UtcNow);

        await using var db = await databases.ForNewFilesAsync(CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => services.GetRequiredService<NewFileWriter>().InsertAsync(db, [expired], CancellationToken.None));
        Assert.Equal(0, await stack.CountAsync("SELECT count(*) FROM files WHERE id = @id", ("id", expired.Id)));
    }

    /// <summary>A PENDING file whose upload window is an hour long: the stack's reconciler leaves it to the test.</summary>
    static FileRecord New(DateTimeOffset now, string? externalId, long? size, string? sha256, string? multipartUploadId)
    {
        var id = Guid.CreateVersion7();
        return FileRecord.Request(id, Tenant, "new.txt", externalId, "text/plain", ObjectKeys.For(Tenant, id), size, sha256, now.AddHours(1), now, multipartUploadId);
    }

    static string NewDigest() => Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));
}
