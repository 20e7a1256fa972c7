using Microsoft.EntityFrameworkCore;
using Npgsql;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;

namespace Uploads.Api.Uploads;

/// <summary>The file records behind both kinds of upload: the one way a PENDING file is made, and the digest look-ups of deduplication.</summary>
public sealed class UploadRecords(UploadsDatabases databases, NewFileWriter newFiles, TimeProvider clock)
{
    /// <summary>
    /// The file as it is now, its upload window first renewed for <paramref name="lifetime"/> when its URLs expired while
    /// it is still PENDING. A concurrent change (uploaded, expired, cancelled meanwhile) makes it read the file again.
    /// </summary>
    public async Task<FileRecord> WithLiveUrlsAsync(string tenantId, FileRecord file, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        if (file.Status != FileStatus.Pending || !file.HasUploadUrlExpired(clock.GetUtcNow()))
        {
            return file;
        }

        while (true)
        {
            await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
            var current = await db.Files.SingleAsync(f => f.Id == file.Id, cancellationToken);
            var now = clock.GetUtcNow();
            if (current.Status != FileStatus.Pending || !current.HasUploadUrlExpired(now))
            {
                return current;
            }

            current.RenewUploadWindow(now + lifetime, now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return current;
            }
            catch (DbUpdateConcurrencyException)
            {
            }
        }
    }

    /// <summary>A new file's id and keys, before anything is stored (a multipart upload is started under the upload key first).</summary>
    public NewFile Allocate(string tenantId)
    {
        var fileId = Guid.CreateVersion7(clock.GetUtcNow());
        return new NewFile(fileId, ObjectKeys.For(tenantId, fileId), ObjectKeys.UploadFor(tenantId, fileId));
    }

    /// <summary>
    /// Records the file as PENDING, uploadable for <paramref name="uploadWindow"/>; null when a concurrent request with the
    /// same digest won the race (at most one PENDING file per digest), and nothing was recorded.
    /// </summary>
    public Task<FileRecord?> CreatePendingAsync(
        string tenantId, NewFile allocated, ValidatedUpload upload, TimeSpan uploadWindow, string? multipartUploadId, CancellationToken cancellationToken) =>
        InsertPendingAsync(NewPending(tenantId, allocated, upload, uploadWindow, multipartUploadId), cancellationToken);

    /// <summary>Stores a new PENDING file; null when its declared digest is PENDING in another file already, and nothing was stored.</summary>
    public async Task<FileRecord?> InsertPendingAsync(FileRecord file, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(file.TenantId, cancellationToken);
        db.Files.Add(file);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return file;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: DatabaseNames.PendingDigestIndex })
        {
            return null;
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The retrying execution strategy ran the insert again after a commit whose answer the connection lost:
            // the row is there, written by the first attempt, and it is this request's.
            if (await IsStoredAsync(file.TenantId, file.Id, cancellationToken))
            {
                return file;
            }

            throw;
        }
    }

    /// <summary>
    /// Stores new PENDING files, of any tenants, in one statement: all of them, or — when one of them collides with a
    /// row (a digest PENDING already, or a retried commit that had landed) — none, and the caller stores each alone.
    /// </summary>
    public async Task<GroupInsert> InsertPendingGroupAsync(IReadOnlyCollection<FileRecord> files, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForNewFilesAsync(cancellationToken);
        try
        {
            await newFiles.InsertAsync(db, files, cancellationToken);
            return GroupInsert.Stored;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return GroupInsert.Collided;
        }
    }

    /// <summary>A PENDING file for the upload, not yet stored: the caller adds it to a context and saves it.</summary>
    public FileRecord NewPending(string tenantId, NewFile allocated, ValidatedUpload upload, TimeSpan uploadWindow, string? multipartUploadId)
    {
        var now = clock.GetUtcNow();
        return FileRecord.Request(
            allocated.Id, tenantId, upload.Filename, upload.ExternalId, upload.ContentType, allocated.ObjectKey,
            upload.Size, upload.Sha256, now + uploadWindow, now, multipartUploadId);
    }

    async Task<bool> IsStoredAsync(string tenantId, Guid fileId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        return await db.Files.AnyAsync(f => f.Id == fileId, cancellationToken);
    }

    /// <summary>The tenant's first SYNCED file with this content, if any: what deduplication answers with.</summary>
    public async Task<FileRecord?> FindSyncedAsync(string tenantId, string digest, long? size, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        return await db.Files.AsNoTracking()
            .Where(f => f.Status == FileStatus.Synced && f.Sha256 == digest && (size == null || f.Size == size))
            .OrderBy(f => f.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// For many digests at once: the tenant's SYNCED files holding them (oldest first, as <see cref="FindSyncedAsync"/>
    /// answers), and the PENDING files that declared them.
    /// </summary>
    public async Task<(ILookup<string, FileRecord> Synced, IReadOnlyDictionary<string, FileRecord> Pending)> FindByDigestsAsync(
        string tenantId, IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var synced = await db.Files.AsNoTracking()
            .Where(f => f.Status == FileStatus.Synced && digests.Contains(f.Sha256!))
            .OrderBy(f => f.CreatedAt)
            .ToListAsync(cancellationToken);
        var pending = await db.Files.AsNoTracking()
            .Where(f => f.Status == FileStatus.Pending && digests.Contains(f.DeclaredSha256!))
            .ToListAsync(cancellationToken);
        return (synced.ToLookup(f => f.Sha256!), pending.ToDictionary(f => f.DeclaredSha256!));
    }
}

/// <param name="Id">The file's id (a UUIDv7: listings sort by it).</param>
/// <param name="ObjectKey">The file's own object, which the worker seals from the upload.</param>
/// <param name="UploadKey">Where the client uploads.</param>
public sealed record NewFile(Guid Id, string ObjectKey, string UploadKey);

public enum GroupInsert
{
    Stored,
    /// <summary>A file of the group collided with a stored row: nothing was stored.</summary>
    Collided,
}
