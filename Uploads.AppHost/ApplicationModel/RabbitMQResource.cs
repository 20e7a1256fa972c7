namespace Uploads.AppHost.ApplicationModel;

/// <summary>A RabbitMQ broker, with the ports of its Erlang distribution and of the port mapper (epmd) it runs with.</summary>
public sealed class RabbitMQResource(string name, int port, int distributionPort, int portMapperPort)
    : Resource(name), IResourceWithConnectionString
{
    public int Port { get; } = port;
    public int DistributionPort { get; } = distributionPort;
    public int PortMapperPort { get; } = portMapperPort;
    public override string Kind => "rabbitmq";
    public override string Endpoint => $"amqp://127.0.0.1:{Port}";
    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}";
}
