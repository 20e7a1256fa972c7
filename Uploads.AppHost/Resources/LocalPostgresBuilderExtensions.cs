using Npgsql;

namespace Uploads.AppHost.Resources;

public static class LocalPostgresBuilderExtensions
{
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, string stateDirectory, int? port)
    {
        // The state directory is ours (a temporary folder is its owner's alone): PostgreSQL's account must pass through it.
        var state = new DirectoryInfo(stateDirectory);
        state.Create();
        state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var home = Path.Combine(stateDirectory, name);
        var postgres = new LocalPostgresResource(name, Path.Combine(home, "data"));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(postgres, (_, cancellationToken) => InitializeAsync(postgres, home, cancellationToken));
        // PostgreSQL takes SIGTERM as a "smart" shutdown that waits for every client to leave; SIGINT is its fast one.
        var server = string.Join(' ', ServiceAccount.Wrap(LocalPostgresResource.ServiceUser, $"{LocalPostgresResource.BinDirectory}/postgres",
            "-D", "\"$0\"", "-p", "\"$1\"", "-k", "''", "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300"));
        return builder.AddResource(postgres)
            .WithLocalEndpoint("tcp", "tcp", port)
            .WithArgs("-c", $"{server} & trap 'kill -INT $!' TERM INT; wait $!; wait $!")
            .WithArgs(context =>
            {
                context.Args.Add(postgres.DataDirectory);
                context.Args.Add(postgres.Endpoint.ListenPort());
            })
            .WithIconName("DatabaseMultiple")
            .WithProbe(cancellationToken => QueryAsync(postgres, "postgres", cancellationToken));
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource);
        server.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (ready, cancellationToken) =>
        {
            await CreateAsync(database, cancellationToken);
            await ready.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = snapshot.StartTimeStamp ?? DateTime.UtcNow,
            });
        });
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.NotStarted, Properties = [] })
            .WithProbe(cancellationToken => QueryAsync(server.Resource, name, cancellationToken));
    }

    static async Task InitializeAsync(LocalPostgresResource postgres, string home, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(home);
        if (ServiceAccount.IsRoot && !ServiceAccount.CanTraverse(home))
        {
            throw new InvalidOperationException(
                $"PostgreSQL runs as the '{LocalPostgresResource.ServiceUser}' user, which cannot reach {home}. Give the state directory a path it can reach (--state-dir), or allow traversal of its parent folders.");
        }

        await ServiceAccount.ChownAsync(LocalPostgresResource.ServiceUser, home, cancellationToken);
        if (File.Exists(Path.Combine(postgres.DataDirectory, "PG_VERSION")))
        {
            return;
        }

        string[] initdb = ServiceAccount.Wrap(LocalPostgresResource.ServiceUser, $"{LocalPostgresResource.BinDirectory}/initdb",
            "-D", postgres.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(initdb[0], initdb[1..]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb for {postgres.Name} failed with code {process.ExitCode}: {output}");
        }
    }

    static async Task CreateAsync(LocalPostgresDatabaseResource database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection($"{await database.Parent.ConnectionStringExpression.GetValueAsync(cancellationToken)};Database=postgres;Pooling=false");
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

    static async Task<HealthCheckResult> QueryAsync(LocalPostgresResource postgres, string database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(
                $"{await postgres.ConnectionStringExpression.GetValueAsync(cancellationToken)};Database={database};Pooling=false;Timeout=2");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
