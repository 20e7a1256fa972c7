using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Uploads.Domain.Files;
using Uploads.Domain.Webhooks;

namespace Uploads.Infrastructure.Data;

/// <summary>
/// Stores new files, with the history each was made with, in one statement and one round trip however many there are:
/// one array parameter per column, <c>INSERT … SELECT * FROM unnest(…)</c>, so neither the statement nor its parameters
/// grow with the group. It writes what <c>SaveChanges</c> writes, by the same model (columns, store types, converters),
/// without the change tracker: for the API's group commit, where <c>SaveChanges</c>' per-row work was half of what an
/// upload request allocated.
/// </summary>
public sealed class NewFileWriter(FileTransitionMetrics metrics)
{
    /// <summary>
    /// Inserts <paramref name="files"/> and their transitions, all or none. A file that collides with a stored row (a
    /// digest PENDING already, an id stored by an earlier attempt) fails the statement with PostgreSQL's unique violation.
    /// </summary>
    public async Task InsertAsync(UploadsDbContext db, IReadOnlyCollection<FileRecord> files, CancellationToken cancellationToken)
    {
        var transitions = files.SelectMany(file => file.History).ToList();
        if (files.Any(file => file.DerivativesHistory.Count > 0) || transitions.Any(transition => WebhookEventTypes.ForTransitionTo(transition.Status) is not null))
        {
            throw new InvalidOperationException("Only new files whose history no webhook announces are written without SaveChanges, which adds the outbox's messages.");
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        // A data-modifying WITH runs whether or not it is read, and the history's foreign keys are checked at the
        // statement's end, when the files are there.
        command.CommandText = $"""
            WITH new_files AS ({Insert(command, db.Model.FindEntityType(typeof(FileRecord))!, files)})
            {Insert(command, db.Model.FindEntityType(typeof(FileTransition))!, transitions)}
            """;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

        foreach (var transition in transitions)
        {
            metrics.Entered(transition.Status);
        }
    }

    /// <summary>The rows of <paramref name="entities"/>: every column the database does not fill itself, one array each.</summary>
    static string Insert(DbCommand command, IEntityType type, IReadOnlyCollection<object> entities)
    {
        var written = type.GetProperties().Where(property => !StoreColumns.AreFilledByTheDatabase(property)).ToList();
        var arrays = written.Select(property =>
        {
            var name = $"p{command.Parameters.Count}";
            command.Parameters.Add(new NpgsqlParameter(name, ColumnValues(property, entities)));
            return $"@{name}::{property.GetColumnType()}[]";
        });
        return $"INSERT INTO {type.GetTableName()} ({string.Join(", ", written.Select(StoreColumns.Name))}) SELECT * FROM unnest({string.Join(", ", arrays)})";
    }

    /// <summary>One column's values as the database stores them (after the property's converter), in an array of their type.</summary>
    static Array ColumnValues(IProperty property, IReadOnlyCollection<object> entities)
    {
        var converter = property.GetTypeMapping().Converter;
        var stored = converter?.ProviderClrType ?? property.ClrType;
        var elementType = property.IsNullable && stored.IsValueType && Nullable.GetUnderlyingType(stored) is null
            ? typeof(Nullable<>).MakeGenericType(stored)
            : stored;
        var getter = property.GetGetter();
        var values = Array.CreateInstance(elementType, entities.Count);
        var index = 0;
        foreach (var entity in entities)
        {
            var value = getter.GetClrValueUsingContainingEntity(entity);
            values.SetValue(value is null || converter is null ? value : converter.ConvertToProvider(value), index++);
        }

        return values;
    }
}
