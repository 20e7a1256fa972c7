using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Uploads.Domain.Files;

namespace Uploads.Infrastructure.Data;

/// <summary>
/// Saves one file's move in one statement and one round trip, where EF Core's <c>SaveChanges</c> takes a transaction
/// (and a round trip more for its commit): the file's changed columns, on condition that the row is still the version
/// that was read, and the rows the move added (its history, the outbox's webhook message), written only if the file
/// was. What is written is what <c>SaveChanges</c> would write, from the same change tracker and the same model.
/// Several files' moves go together as a batch of such statements: one round trip and one commit for all of them.
/// </summary>
public sealed class FileMoveWriter(FileTransitionMetrics metrics)
{
    /// <summary>
    /// Writes the changes tracked on <paramref name="db"/>, which must be <paramref name="file"/>'s move and nothing else;
    /// false, with nothing written, when the file changed since it was read (as a <see cref="DbUpdateConcurrencyException"/> would say).
    /// </summary>
    public async Task<bool> TrySaveAsync(UploadsDbContext db, FileRecord file, CancellationToken cancellationToken) =>
        (await TrySaveAllAsync([new FileMove(db, file)], cancellationToken))[0];

    /// <summary>
    /// Writes each move as <see cref="TrySaveAsync"/> does, all in one round trip and one transaction; for each, whether it
    /// was saved. A move whose file changed since it was read is not saved and does not hold back the others; a statement
    /// that fails fails the whole batch, with nothing of it written. Each move is tracked on a context of its own; several
    /// are saved together only one per file, and outside transactions.
    /// </summary>
    public async Task<IReadOnlyList<bool>> TrySaveAllAsync(IReadOnlyList<FileMove> moves, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(moves.Count);
        if (moves.Count > 1 && (moves.DistinctBy(move => move.File.Id).Count() != moves.Count
            || moves.Any(move => move.Db.Database.CurrentTransaction is not null)))
        {
            throw new InvalidOperationException("Moves are saved together only one per file, and outside transactions of their own.");
        }

        var database = moves[0].Db.Database;
        var strategy = database.CreateExecutionStrategy();
        var (statements, results) = await strategy.ExecuteAsync(async () =>
        {
            await database.OpenConnectionAsync(cancellationToken);
            try
            {
                // Built anew for each attempt: a batch executed again after a failure can lack its parameters' binding (npgsql/npgsql#5748).
                await using var batch = database.GetDbConnection().CreateBatch();
                batch.Transaction = database.CurrentTransaction?.GetDbTransaction();
                var statements = moves.Select(move => Prepare(move, batch)).ToList();
                var rows = new object[]?[moves.Count];
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                for (var index = 0; index < rows.Length; index++)
                {
                    if (index > 0)
                    {
                        await reader.NextResultAsync(cancellationToken);
                    }

                    if (await reader.ReadAsync(cancellationToken))
                    {
                        rows[index] = new object[reader.FieldCount];
                        reader.GetValues(rows[index]!);
                    }
                }

                return (statements, rows);
            }
            finally
            {
                await database.CloseConnectionAsync();
            }
        });

        for (var index = 0; index < moves.Count; index++)
        {
            if (results[index] is { } row)
            {
                Accept(moves[index].Db, statements[index], row);
            }
        }

        return results.Select(row => row is not null).ToList();
    }

    /// <summary>Checks that <paramref name="move"/>'s context holds its move and nothing else, and adds its statement to <paramref name="batch"/>.</summary>
    static PreparedMove Prepare(FileMove move, DbBatch batch)
    {
        var db = move.Db;
        db.ChangeTracker.DetectChanges();
        WebhookOutbox.Announce(db);
        var moved = db.Entry(move.File);
        var added = db.ChangeTracker.Entries().Where(entry => entry.State == EntityState.Added).ToList();
        if (db.ChangeTracker.Entries().Any(entry => entry.Entity != move.File && entry.State is EntityState.Modified or EntityState.Deleted)
            || moved.State != EntityState.Modified)
        {
            throw new InvalidOperationException($"Only a move of file {move.File.Id} can be saved in one statement: the context tracks other changes, or none.");
        }

        // EF Core makes its parameters for a command; the batch's statement takes them over.
        using var scratch = batch.Connection!.CreateCommand();
        var (sql, generatedKeys) = Statement(scratch, moved, added);
        var parameters = scratch.Parameters.Cast<DbParameter>().ToArray();
        scratch.Parameters.Clear();
        var statement = batch.CreateBatchCommand();
        statement.CommandText = sql;
        statement.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(statement);
        return new PreparedMove(moved, added, generatedKeys);
    }

    /// <summary>
    /// <c>WITH moved AS (UPDATE … WHERE key AND version RETURNING version), added_0 AS (INSERT … SELECT … FROM moved), …
    /// SELECT</c> the new version and each added row's generated key: no row when the version no longer matches.
    /// </summary>
    static (string Sql, List<(EntityEntry Entry, IProperty Key)> GeneratedKeys) Statement(DbCommand command, EntityEntry moved, List<EntityEntry> added)
    {
        var parameters = 0;
        string Parameter(IProperty property, object? value)
        {
            var name = $"p{parameters++}";
            command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, name, value, property.IsNullable));
            return "@" + name;
        }

        var file = moved.Metadata;
        var version = VersionOf(file);
        var key = file.FindPrimaryKey()!.Properties.Single();
        var assignments = moved.Properties.Where(property => property.IsModified)
            .Select(property => $"{Column(property.Metadata)} = {Parameter(property.Metadata, property.CurrentValue)}");
        var sql = new StringBuilder($"""
            WITH moved AS (
                UPDATE {file.GetTableName()} SET {string.Join(", ", assignments)}
                WHERE {Column(key)} = {Parameter(key, moved.Property(key.Name).CurrentValue)}
                  AND {Column(version)} = {Parameter(version, moved.Property(version.Name).OriginalValue)}
                RETURNING {Column(version)})
            """);
        var generatedKeys = new List<(EntityEntry Entry, IProperty Key)>();
        foreach (var (entry, index) in added.Select((entry, index) => (entry, index)))
        {
            var written = entry.Properties.Where(property => !IsGeneratedByTheDatabase(property)).ToList();
            var rowKey = entry.Metadata.FindPrimaryKey()!.Properties.Single();
            var returning = IsGeneratedByTheDatabase(entry.Property(rowKey.Name)) ? $" RETURNING {Column(rowKey)}" : "";
            if (returning != "")
            {
                generatedKeys.Add((entry, rowKey));
            }

            sql.Append($"""
                ,
                added_{index} AS (
                    INSERT INTO {entry.Metadata.GetTableName()} ({string.Join(", ", written.Select(property => Column(property.Metadata)))})
                    SELECT {string.Join(", ", written.Select(property => Parameter(property.Metadata, property.CurrentValue)))} FROM moved{returning})
                """);
        }

        var keys = generatedKeys.Select(generated => $", (SELECT {Column(generated.Key)} FROM added_{added.IndexOf(generated.Entry)})");
        sql.Append($"\nSELECT {Column(version)}{string.Concat(keys)} FROM moved");
        return (sql.ToString(), generatedKeys);
    }

    static bool IsGeneratedByTheDatabase(PropertyEntry property) =>
        property.IsTemporary || StoreColumns.AreFilledByTheDatabase(property.Metadata);

    static string Column(IProperty property) => StoreColumns.Name(property);

    static IProperty VersionOf(IEntityType file) => file.GetProperties().Single(property => property.IsConcurrencyToken);

    /// <summary>What SaveChanges does after a save: the file takes its new version, the added rows their keys, and all are unchanged.</summary>
    void Accept(UploadsDbContext db, PreparedMove move, object[] result)
    {
        var (moved, added, generatedKeys) = move;
        var version = VersionOf(moved.Metadata);
        moved.Property(version.Name).CurrentValue = result[0];
        foreach (var ((entry, key), index) in generatedKeys.Select((generated, index) => (generated, index)))
        {
            entry.Property(key.Name).CurrentValue = Convert.ChangeType(result[index + 1], key.ClrType);
        }

        // The context held this move and nothing else (checked before writing).
        db.ChangeTracker.AcceptAllChanges();
        foreach (var transition in added.Select(entry => entry.Entity).OfType<FileTransition>())
        {
            metrics.Entered(transition.Status);
        }
    }

    sealed record PreparedMove(EntityEntry Moved, List<EntityEntry> Added, List<(EntityEntry Entry, IProperty Key)> GeneratedKeys);
}

/// <summary>A file's move, tracked on <paramref name="Db"/> and not yet saved.</summary>
public sealed record FileMove(UploadsDbContext Db, FileRecord File);
