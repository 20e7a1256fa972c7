namespace Uploads.AppHost.Resources;

/// <summary>Debian's <c>redis-server</c> on loopback, as a cache: nothing is saved, so a restart starts empty and a stop never waits on a snapshot.</summary>
public sealed class LocalRedisResource(string name, string dataDirectory)
    : ExecutableResource(name, "redis-server", dataDirectory), IResourceWithConnectionString
{
    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
