namespace Uploads.AppHost.Resources;

/// <summary>The Erlang port mapper a <see cref="LocalRabbitMQResource"/> registers with.</summary>
public sealed class ErlangPortMapperResource(string name, string home) : ExecutableResource(name, "epmd", home)
{
    public EndpointReference Endpoint => new(this, "tcp");
}
