using Npgsql;
using Uploads.AppHost.Publishing;

namespace Uploads.AppHost.Hosting;

public sealed class PostgresServerResource(string name, int port) : ProcessResource(name), IResourceWithConnectionString
{
    const string ServiceUser = "postgres";
    const string BinDirectory = "/usr/lib/postgresql/15/bin";

    public int Port { get; } = port;
    public override string Kind => "postgres";
    public override string Endpoint => $"tcp://127.0.0.1:{Port}";
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres";

    // SIGINT is PostgreSQL's fast shutdown: it ends open sessions instead of waiting for clients to leave.
    protected override int StopSignal => Posix.SIGINT;

    public PostgresDatabaseResource AddDatabase(string name, string? databaseName = null)
    {
        var builder = Builder ?? throw new InvalidOperationException("Add the server to a builder first.");
        return builder.AddResource(new PostgresDatabaseResource(name, this, databaseName ?? name)).WaitFor(this);
    }

    protected override async Task StartCoreAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        var dataDirectory = await PrepareDataDirectoryAsync(context);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(context, dataDirectory, cancellationToken);
        }

        var (fileName, arguments) = RunAs.User(ServiceUser, Path.Combine(BinDirectory, "postgres"),
        [
            "-D", dataDirectory, "-p", Port.ToString(), "-k", "", "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
        ]);
        StartProcess(context, fileName, arguments);
        await WaitUntilAsync(CanQueryAsync, cancellationToken);
    }

    public override void Publish(PublishContext context)
    {
        var password = context.Expression(new ParameterResource($"{Name}-password", Secret: true, "The PostgreSQL superuser's password."));
        context.Add(Name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.Postgres,
            ConnectionString = $"Host={{{Name}.bindings.tcp.host}};Port={{{Name}.bindings.tcp.port}};Username=postgres;Password={password}",
            Env = new() { ["POSTGRES_USER"] = "postgres", ["POSTGRES_PASSWORD"] = password },
            Bindings = new() { ["tcp"] = new("tcp", "tcp", "tcp", 5432) },
            Volumes = [new($"{Name}-data", "/var/lib/postgresql/data")],
            Deployment = new(HealthCheck: ["CMD-SHELL", "pg_isready -U postgres"]),
        });
    }

    async Task<string> PrepareDataDirectoryAsync(ResourceContext context)
    {
        var home = context.DataDirectory(Name);
        Directory.CreateDirectory(home);
        if (Posix.IsRoot && !RunAs.CanTraverse(home))
        {
            throw new InvalidOperationException(
                $"PostgreSQL runs as the '{ServiceUser}' user, which cannot reach {home}. Give the state directory a path it can reach (--state-dir), or allow traversal of its parent folders.");
        }

        await RunAs.ChownAsync(ServiceUser, home);
        return Path.Combine(home, "data");
    }

    async Task InitializeAsync(ResourceContext context, string dataDirectory, CancellationToken cancellationToken)
    {
        var (fileName, arguments) = RunAs.User(ServiceUser, Path.Combine(BinDirectory, "initdb"),
            ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
        await using var initdb = ManagedProcess.Start(fileName, arguments, new Dictionary<string, string?>(), context.LogPath(Name), onLine: ConsoleLog.Append);
        var exitCode = await initdb.Exited.WaitAsync(cancellationToken);
        if (exitCode != 0)
        {
            throw new ResourceStartException($"initdb for {Name} failed with code {exitCode}.", initdb.Tail());
        }
    }

    async Task<bool> CanQueryAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection($"{ConnectionString};Database=postgres;Pooling=false;Timeout=2");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}

/// <summary>A database on a <see cref="PostgresServerResource"/>, created when it does not exist yet.</summary>
public sealed class PostgresDatabaseResource(string name, PostgresServerResource server, string databaseName)
    : Resource(name), IResourceWithConnectionString
{
    public PostgresServerResource Server { get; } = server;
    public string DatabaseName { get; } = databaseName;
    public override string Kind => "database";
    public override string Endpoint => $"{Server.Endpoint}/{DatabaseName}";
    public string ConnectionString => $"{Server.ConnectionString};Database={DatabaseName}";

    protected override async Task StartCoreAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection($"{Server.ConnectionString};Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    protected override Task StopCoreAsync() => Task.CompletedTask;

    public override async Task<bool?> CheckHealthAsync(CancellationToken cancellationToken) =>
        State == ResourceState.Running ? await Server.CheckHealthAsync(cancellationToken) : null;

    /// <summary>A value: the services create the database when they migrate it, as they would against a managed server.</summary>
    public override void Publish(PublishContext context) =>
        context.Add(Name, new ManifestResource { Type = "value.v0", ConnectionString = $"{{{Server.Name}.connectionString}};Database={DatabaseName}" });
}

public static class PostgresBuilderExtensions
{
    public static PostgresServerResource AddPostgres(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new PostgresServerResource(name, builder.Options.PortFor(name)));
}
