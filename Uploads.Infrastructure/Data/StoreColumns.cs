using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Uploads.Infrastructure.Data;

/// <summary>The model's columns as the statements written beside EF Core (<see cref="FileMoveWriter"/>, <see cref="NewFileWriter"/>) name and fill them.</summary>
static class StoreColumns
{
    public static string Name(IProperty property) => property.GetColumnName();

    /// <summary>Columns a statement leaves to the database: identity keys and the row version (<c>xmin</c>).</summary>
    public static bool AreFilledByTheDatabase(IProperty property) =>
        property.ValueGenerated == ValueGenerated.OnAddOrUpdate
        || property.GetValueGenerationStrategy() is NpgsqlValueGenerationStrategy.IdentityAlwaysColumn
            or NpgsqlValueGenerationStrategy.IdentityByDefaultColumn or NpgsqlValueGenerationStrategy.SerialColumn;
}
