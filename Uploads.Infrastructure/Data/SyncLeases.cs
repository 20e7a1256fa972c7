using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;
using Uploads.Domain.Files;

namespace Uploads.Infrastructure.Data;

/// <summary>
/// A sync's lease: taken by a claim, then moved by the attempt that holds it. Each is one statement filtered by the
/// domain's rules (<see cref="FileRules.ClaimableAt"/>, <see cref="FileRules.HeldByOneOf"/>), so two attempts never both hold
/// a file, and a lease another attempt took over is never touched.
/// </summary>
public sealed class SyncLeases(UploadsDatabases databases, FileTransitionMetrics metrics)
{
    /// <summary>
    /// Claims the file in one statement and one round trip: takes the row if <see cref="FileRules.ClaimableAt"/> admits it
    /// (locking it, and judging it again after any concurrent claim commits), writes <paramref name="move"/> into it, records
    /// the transition, and answers with the row as claimed; null when the file is not claimable (or not there).
    /// </summary>
    public async Task<FileRecord?> ClaimAsync(Guid fileId, SyncClaimMove move, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        // The rule as EF Core translates it for every other query: not restated here in SQL.
        await using var claimable = db.Files
            .Where(f => f.Id == fileId)
            .Where(FileRules.ClaimableAt.For(move.At))
            .Select(f => new { f.Id, f.Status })
            .CreateDbCommand();

        var reasons = SyncClaimMove.ReasonByPreviousState.ToList();
        var files = db.Model.FindEntityType(typeof(FileRecord))!;
        var transitions = db.Model.FindEntityType(typeof(FileTransition))!;
        string File(Expression<Func<FileRecord, object?>> property) => Column(files, property);
        string Transition(Expression<Func<FileTransition, object?>> property) => Column(transitions, property);

        // FOR UPDATE: a claim that waited for another's commit judges the row again, as it is now, before it writes.
        var sql = $"""
            WITH claimable (id, previous_status) AS ({claimable.CommandText} FOR UPDATE),
            claimed AS (
                UPDATE {files.GetTableName()} AS f
                SET {File(f => f.Status)} = @claim_status, {File(f => f.SyncClaim)} = @claim_token,
                    {File(f => f.SyncLeaseExpiresAt)} = @claim_lease, {File(f => f.UpdatedAt)} = @claim_at,
                    {File(f => f.SyncRequestedAt)} = @claim_at
                FROM claimable AS c
                WHERE f.{File(f => f.Id)} = c.id
                RETURNING f.*, f.{File(f => f.Version)}, c.previous_status),
            recorded AS (
                INSERT INTO {transitions.GetTableName()} ({Transition(t => t.FileId)}, {Transition(t => t.FromStatus)}, {Transition(t => t.Status)},
                    {Transition(t => t.At)}, {Transition(t => t.Reason)}, {Transition(t => t.TraceId)})
                SELECT claimed.{File(f => f.Id)}, claimed.previous_status, @claim_status, @claim_at,
                    CASE claimed.previous_status {string.Join(" ", reasons.Select((_, i) => $"WHEN @claim_from_{i} THEN @claim_reason_{i}"))} END, @claim_trace
                FROM claimed)
            SELECT * FROM claimed
            """;

        var parameters = claimable.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone())
            .Append(new NpgsqlParameter("claim_status", StatusNames.ToName(move.Status)))
            .Append(new NpgsqlParameter("claim_token", move.Token))
            .Append(new NpgsqlParameter("claim_lease", move.LeaseExpiresAt))
            .Append(new NpgsqlParameter("claim_at", move.At))
            .Append(new NpgsqlParameter("claim_trace", NpgsqlDbType.Varchar) { Value = (object?)move.TraceId ?? DBNull.Value })
            .Concat(reasons.Select((reason, i) => new NpgsqlParameter($"claim_reason_{i}", NpgsqlDbType.Varchar) { Value = (object?)reason.Value ?? DBNull.Value }))
            .Concat(reasons.Select((reason, i) => new NpgsqlParameter($"claim_from_{i}", StatusNames.ToName(reason.Key))))
            .ToArray<object>();

        // Not composable (it writes): nothing may be added to it, so no query filter and no tracking.
        var claimed = await db.Files.FromSqlRaw(sql, parameters).IgnoreQueryFilters().AsNoTracking().ToListAsync(cancellationToken);
        if (claimed is [var file])
        {
            metrics.Entered(move.Status);
            return file;
        }

        return null;
    }

    static string Column<TEntity>(IEntityType entity, Expression<Func<TEntity, object?>> property)
    {
        var body = property.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : property.Body;
        var name = ((MemberExpression)body).Member.Name;
        return entity.FindProperty(name)!.GetColumnName();
    }

    /// <summary>
    /// Pushes the lease of every file held under one of <paramref name="claims"/> (the syncs a worker has in hand) to
    /// <paramref name="until"/>, in one statement; answers with the claims that still hold their file. The others are
    /// gone: their file was taken over, or settled. Only when some are gone does it take a second statement, to tell which.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> RenewAllAsync(IReadOnlyCollection<Guid> claims, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var held = db.Files.Where(FileRules.HeldByOneOf.For(claims));
        var renewed = await held.ExecuteUpdateAsync(set => set.SetProperty(f => f.SyncLeaseExpiresAt, until), cancellationToken);
        if (renewed == claims.Count)
        {
            return claims.ToHashSet();
        }

        return (await held.Select(f => f.SyncClaim!.Value).ToListAsync(cancellationToken)).ToHashSet();
    }

    /// <summary>Lets go of the file at <paramref name="now"/>, so that the next attempt may claim it at once.</summary>
    public async Task<bool> ReleaseAsync(Guid fileId, Guid claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var released = await db.Files
            .Where(f => f.Id == fileId)
            .Where(FileRules.HeldByOneOf.For([claim]))
            .ExecuteUpdateAsync(set => set.SetProperty(f => f.SyncLeaseExpiresAt, now), cancellationToken);
        return released == 1;
    }
}
