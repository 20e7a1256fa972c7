namespace Uploads.AppHost.ApplicationModel;

/// <summary>A PostgreSQL server; its databases are resources of their own.</summary>
public sealed class PostgresServerResource(string name, int port) : Resource(name), IResourceWithConnectionString
{
    public int Port { get; } = port;
    public override string Kind => "postgres";
    public override string Endpoint => $"tcp://127.0.0.1:{Port}";
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres";

    public PostgresDatabaseResource AddDatabase(string name, string? databaseName = null)
    {
        var builder = Builder ?? throw new InvalidOperationException("Add the server to a builder first.");
        return builder.AddResource(new PostgresDatabaseResource(name, this, databaseName ?? name)).WaitFor(this);
    }
}
