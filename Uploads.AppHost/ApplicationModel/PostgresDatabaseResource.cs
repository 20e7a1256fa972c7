namespace Uploads.AppHost.ApplicationModel;

/// <summary>A database on a <see cref="PostgresServerResource"/>, created when it does not exist yet.</summary>
public sealed class PostgresDatabaseResource(string name, PostgresServerResource server, string databaseName)
    : Resource(name), IResourceWithConnectionString
{
    public PostgresServerResource Server { get; } = server;
    public string DatabaseName { get; } = databaseName;
    public override string Kind => "database";
    public override string Endpoint => $"{Server.Endpoint}/{DatabaseName}";
    public string ConnectionString => $"{Server.ConnectionString};Database={DatabaseName}";
}
