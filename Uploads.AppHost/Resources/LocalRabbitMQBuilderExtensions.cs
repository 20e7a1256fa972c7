namespace Uploads.AppHost.Resources;

public static class LocalRabbitMQBuilderExtensions
{
    public static IResourceBuilder<LocalRabbitMQResource> AddLocalRabbitMQ(
        this IDistributedApplicationBuilder builder, string name, string stateDirectory, int? port, int? distributionPort = null, int? portMapperPort = null)
    {
        var home = Directory.CreateDirectory(Path.Combine(stateDirectory, name)).FullName;
        File.WriteAllText(Path.Combine(home, "enabled_plugins"), "[].");
        File.WriteAllText(Path.Combine(home, "rabbitmq.conf"), "log.console = true\nlog.file = false\n");
        var rabbit = new LocalRabbitMQResource(name, home);
        var portMapper = builder.AddResource(new ErlangPortMapperResource($"{name}-epmd", home))
            .WithLocalEndpoint("tcp", "tcp", portMapperPort)
            .WithArgs(context =>
            {
                context.Args.Add("-port");
                context.Args.Add(((ErlangPortMapperResource)context.Resource).Endpoint.ListenPort());
            })
            .WithIconName("PlugConnected");
        portMapper.WithProbe(cancellationToken => Probes.TcpAsync(portMapper.Resource.Endpoint, cancellationToken));

        return builder.AddResource(rabbit)
            .WithLocalEndpoint("tcp", "tcp", port)
            .WithLocalEndpoint("dist", "tcp", distributionPort)
            .WithEnvironment(context =>
            {
                // Erlang keeps its cookie in HOME: one of the broker's own, whoever runs the AppHost.
                context.EnvironmentVariables["HOME"] = Directory.CreateDirectory(Path.Combine(home, "home")).FullName;
                context.EnvironmentVariables["ERL_EPMD_PORT"] = portMapper.Resource.Endpoint.ListenPort();
                context.EnvironmentVariables["RABBITMQ_NODENAME"] = "uploads@localhost";
                context.EnvironmentVariables["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                context.EnvironmentVariables["RABBITMQ_NODE_PORT"] = rabbit.Endpoint.ListenPort();
                context.EnvironmentVariables["RABBITMQ_DIST_PORT"] = rabbit.DistributionEndpoint.ListenPort();
                context.EnvironmentVariables["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia");
                context.EnvironmentVariables["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log");
                context.EnvironmentVariables["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins");
                context.EnvironmentVariables["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq.conf");
            })
            .WaitFor(portMapper)
            .WithIconName("Mail")
            // The AMQP port opens last, once the broker booted; rabbitmq-diagnostics answers earlier than that.
            .WithProbe(cancellationToken => Probes.TcpAsync(rabbit.Endpoint, cancellationToken));
    }
}
