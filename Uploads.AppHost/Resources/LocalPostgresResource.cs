namespace Uploads.AppHost.Resources;

/// <summary>
/// PostgreSQL 15 from Debian's package, run by DCP as an executable: <c>initdb</c> on first start, then the server on
/// loopback, as the <c>postgres</c> user when the AppHost is root. Its databases are child resources.
/// </summary>
public sealed class LocalPostgresResource(string name, string dataDirectory)
    : ExecutableResource(name, "/bin/sh", dataDirectory), IResourceWithConnectionString
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    public const string ServiceUser = "postgres";

    public string DataDirectory { get; } = dataDirectory;
    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username=postgres");
}
