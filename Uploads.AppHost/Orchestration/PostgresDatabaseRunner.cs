using Npgsql;
using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>Creates the database on its server when it does not exist yet; healthy while the server is.</summary>
public sealed class PostgresDatabaseRunner(PostgresDatabaseResource database, ResourceRunner server, OrchestrationContext context)
    : ResourceRunner(database, context)
{
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection($"{database.Server.ConnectionString};Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database.DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    protected override Task StopCoreAsync() => Task.CompletedTask;

    public override async Task<bool?> CheckHealthAsync(CancellationToken cancellationToken) =>
        State == ResourceState.Running ? await server.CheckHealthAsync(cancellationToken) : null;
}
