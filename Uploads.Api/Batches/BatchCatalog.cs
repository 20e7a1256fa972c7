using Microsoft.EntityFrameworkCore;
using Uploads.Api.Problems;
using Uploads.Api.Reads;
using Uploads.Domain.Batches;
using Uploads.Infrastructure.Data;

namespace Uploads.Api.Batches;

/// <summary>What the API tells about batches: one with its progress, or a page of them.</summary>
public sealed class BatchCatalog(UploadsDatabases databases)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    public async Task<BatchView?> DescribeAsync(string tenantId, Guid batchId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var batch = await db.Batches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, cancellationToken);
        return batch is null ? null : BatchView.From(batch, (await ProgressAsync(db, [batchId], cancellationToken))[batchId], TraceIds.Current);
    }

    /// <summary>A page of the tenant's batches, newest first, paged as files are.</summary>
    public async Task<BatchPage> ListAsync(string tenantId, int limit, PageCursor? after, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var (shown, next) = await db.Batches.AsNoTracking().PageNewestFirstAsync(limit, after, cancellationToken);
        var progress = await ProgressAsync(db, [.. shown.Select(b => b.Id)], cancellationToken);
        return new BatchPage([.. shown.Select(b => BatchView.From(b, progress[b.Id], TraceIds.Current))], next, TraceIds.Current);
    }

    /// <summary>Each batch's files counted by state in one query; the domain says what each state counts as.</summary>
    static async Task<IReadOnlyDictionary<Guid, BatchProgress>> ProgressAsync(UploadsDbContext db, IReadOnlyCollection<Guid> batchIds, CancellationToken cancellationToken)
    {
        var counts = await db.BatchFiles.AsNoTracking()
            .Where(m => batchIds.Contains(m.BatchId))
            .Join(db.Files, m => m.FileId, f => f.Id, (m, f) => new { m.BatchId, f.Status, Bytes = f.Size ?? f.DeclaredSize ?? 0L })
            .GroupBy(x => new { x.BatchId, x.Status })
            .Select(g => new { g.Key.BatchId, g.Key.Status, Files = g.Count(), Bytes = g.Sum(x => x.Bytes) })
            .ToListAsync(cancellationToken);
        var byBatch = counts.ToLookup(c => c.BatchId);
        return batchIds.ToDictionary(id => id, id => BatchProgress.From(byBatch[id].Select(c => (c.Status, c.Files, c.Bytes))));
    }
}
