namespace Uploads.AppHost.ApplicationModel;

public static class RabbitMQBuilderExtensions
{
    public static RabbitMQResource AddRabbitMQ(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RabbitMQResource(
            name, builder.Options.PortFor(name), Ports.Free(), builder.Options.PortFor($"{name}-epmd")));
}
