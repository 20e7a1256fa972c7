using Uploads.AppHost.Publishing;

namespace Uploads.AppHost.Hosting;

/// <summary>
/// RabbitMQ with an Erlang port mapper (epmd) of its own, started and stopped with it: the VM would otherwise start a
/// shared epmd daemon that outlives the AppHost, and two stacks on one machine would share it.
/// </summary>
public sealed class RabbitMQResource(string name, int port, int distributionPort, int portMapperPort)
    : Resource(name), IResourceWithConnectionString
{
    const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    ManagedProcess? portMapper;
    ManagedProcess? server;

    public int Port { get; } = port;
    public override string Kind => "rabbitmq";
    public override string Endpoint => $"amqp://127.0.0.1:{Port}";
    public string ConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}";
    public override ManagedProcess? Process => server;

    protected override async Task StartCoreAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        var home = Path.GetFullPath(context.DataDirectory(Name));
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, "enabled_plugins"), "[].", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(home, "rabbitmq.conf"), "log.console = true\nlog.file = false\n", cancellationToken);

        if (portMapper is null || portMapper.HasExited)
        {
            portMapper = ManagedProcess.Start("epmd", ["-port", portMapperPort.ToString()], new Dictionary<string, string?>(), context.LogPath($"{Name}-epmd"));
        }

        await Probes.WaitAsync($"{Name} port mapper", ct => Probes.TcpAsync(portMapperPort, ct), portMapper, TimeSpan.FromSeconds(15), cancellationToken);

        var erlangHome = Directory.CreateDirectory(Path.Combine(home, "home")).FullName;
        server = ManagedProcess.Start(ServerScript, [], new Dictionary<string, string?>
        {
            // Erlang keeps its cookie in HOME: one of the broker's own, whoever runs the AppHost.
            ["HOME"] = erlangHome,
            ["ERL_EPMD_PORT"] = portMapperPort.ToString(),
            ["RABBITMQ_NODENAME"] = "uploads@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq.conf"),
        }, context.LogPath(Name), onLine: ConsoleLog.Append);
        // The AMQP port opens last, once the broker booted; rabbitmq-diagnostics answers earlier than that.
        await Probes.WaitAsync(Name, ct => Probes.TcpAsync(Port, ct), server, TimeSpan.FromSeconds(120), cancellationToken);
    }

    public override void Publish(PublishContext context)
    {
        var password = context.Expression(new ParameterResource(
            $"{Name}-password", Secret: true, "The RabbitMQ user's password; URL-safe characters only, it goes into an AMQP URI."));
        context.Add(Name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.RabbitMQ,
            ConnectionString = $"amqp://uploads:{password}@{{{Name}.bindings.tcp.host}}:{{{Name}.bindings.tcp.port}}",
            Env = new() { ["RABBITMQ_DEFAULT_USER"] = "uploads", ["RABBITMQ_DEFAULT_PASS"] = password },
            Bindings = new()
            {
                ["tcp"] = new("tcp", "tcp", "tcp", 5672),
                ["management"] = new("http", "tcp", "http", 15672),
            },
            Volumes = [new($"{Name}-data", "/var/lib/rabbitmq")],
            Deployment = new(HealthCheck: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]),
        });
    }

    public override async Task<bool?> CheckHealthAsync(CancellationToken cancellationToken) =>
        State == ResourceState.Running ? await Probes.TcpAsync(Port, cancellationToken) : null;

    protected override async Task StopCoreAsync()
    {
        var processes = new[] { server, portMapper };
        (server, portMapper) = (null, null);
        foreach (var process in processes)
        {
            if (process is not null)
            {
                await process.StopAsync(Posix.SIGTERM, TimeSpan.FromSeconds(20));
                await process.DisposeAsync();
            }
        }
    }
}

public static class RabbitMQBuilderExtensions
{
    public static RabbitMQResource AddRabbitMQ(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RabbitMQResource(
            name, builder.Options.PortFor(name), Ports.Free(), builder.Options.PortFor($"{name}-epmd")));
}
