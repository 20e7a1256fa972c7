namespace Uploads.AppHost.Resources;

/// <summary>
/// Debian's RabbitMQ on loopback, with an Erlang port mapper (<c>epmd</c>) of its own that it waits for: the VM would
/// otherwise start a shared epmd daemon that outlives the AppHost, and two stacks on one machine would share it.
/// </summary>
public sealed class LocalRabbitMQResource(string name, string home)
    : ExecutableResource(name, "/usr/lib/rabbitmq/bin/rabbitmq-server", home), IResourceWithConnectionString
{
    public string Home { get; } = home;
    public EndpointReference Endpoint => new(this, "tcp");
    public EndpointReference DistributionEndpoint => new(this, "dist");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://guest:guest@{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
