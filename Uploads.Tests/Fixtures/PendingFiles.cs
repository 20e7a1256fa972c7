using Microsoft.EntityFrameworkCore;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;

namespace Uploads.Tests.Fixtures;

public static class PendingFiles
{
    /// <summary>Stores a PENDING file of six bytes whose upload window is an hour long: the stack's reconciler leaves it to the test.</summary>
    public static async Task<Guid> StoreAsync(UploadsDatabases databases, string tenant, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7();
        await using var db = await databases.ForTenantAsync(tenant, CancellationToken.None);
        db.Files.Add(FileRecord.Request(id, tenant, "pending.txt", null, "text/plain", ObjectKeys.For(tenant, id), 6, null, now.AddHours(1), now));
        await db.SaveChangesAsync();
        return id;
    }

    /// <summary>The stored file <paramref name="id"/>, read through <paramref name="db"/> and moved to UPLOADED there (six bytes), not yet saved.</summary>
    public static async Task<FileMove> UploadedMoveAsync(UploadsDbContext db, Guid id, DateTimeOffset now)
    {
        var file = await db.Files.SingleAsync(f => f.Id == id);
        file.MarkUploaded(6, now);
        return new FileMove(db, file);
    }
}
