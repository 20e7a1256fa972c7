using Microsoft.EntityFrameworkCore;

namespace Uploads.Infrastructure.Data;

/// <summary>Work that one replica of the whole deployment does at a time; the value is the PostgreSQL advisory lock's key.</summary>
public enum ClusterLock : long
{
    Reconciler = 0x75706C6F_61647301,
}

/// <summary>
/// Locks held by one replica across the deployment: PostgreSQL session advisory locks, on a connection kept open while
/// the holder works. A holder that dies loses its connection, and with it the lock; nothing is left to clean up.
/// </summary>
public sealed class ClusterLocks(UploadsDatabases databases)
{
    /// <summary>The held lock, to dispose when the work is done; null when another replica holds it now.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(ClusterLock name, CancellationToken cancellationToken)
    {
        var db = await databases.ForAllTenantsAsync(cancellationToken);
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            var key = (long)name;
            if (await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock({key}) AS \"Value\"").SingleAsync(cancellationToken))
            {
                return new HeldLock(db, key);
            }
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }

        await db.DisposeAsync();
        return null;
    }

    sealed class HeldLock(UploadsDbContext db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (db)
            {
                // A broken connection has released the lock already; a pooled one would only release it when reused.
                if (db.Database.GetDbConnection().State == System.Data.ConnectionState.Open)
                {
                    await db.Database.SqlQuery<bool>($"SELECT pg_advisory_unlock({key}) AS \"Value\"").SingleAsync();
                }
            }
        }
    }
}
