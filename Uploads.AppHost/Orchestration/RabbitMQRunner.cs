using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>
/// RabbitMQ with an Erlang port mapper (epmd) of its own, started and stopped with it: the VM would otherwise start a
/// shared epmd daemon that outlives the AppHost, and two stacks on one machine would share it.
/// </summary>
public sealed class RabbitMQRunner(RabbitMQResource rabbit, OrchestrationContext context) : ResourceRunner(rabbit, context)
{
    const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    ManagedProcess? portMapper;
    ManagedProcess? server;

    public override ManagedProcess? Process => server;

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var home = Path.GetFullPath(Context.DataDirectory(Name));
        Directory.CreateDirectory(home);
        await File.WriteAllTextAsync(Path.Combine(home, "enabled_plugins"), "[].", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(home, "rabbitmq.conf"), "log.console = true\nlog.file = false\n", cancellationToken);

        if (portMapper is null || portMapper.HasExited)
        {
            portMapper = ManagedProcess.Start("epmd", ["-port", rabbit.PortMapperPort.ToString()], new Dictionary<string, string?>(), Context.LogPath($"{Name}-epmd"));
        }

        await Probes.WaitAsync($"{Name} port mapper", ct => Probes.TcpAsync(rabbit.PortMapperPort, ct), portMapper, TimeSpan.FromSeconds(15), cancellationToken);

        var erlangHome = Directory.CreateDirectory(Path.Combine(home, "home")).FullName;
        server = ManagedProcess.Start(ServerScript, [], new Dictionary<string, string?>
        {
            // Erlang keeps its cookie in HOME: one of the broker's own, whoever runs the AppHost.
            ["HOME"] = erlangHome,
            ["ERL_EPMD_PORT"] = rabbit.PortMapperPort.ToString(),
            ["RABBITMQ_NODENAME"] = "uploads@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = rabbit.Port.ToString(),
            ["RABBITMQ_DIST_PORT"] = rabbit.DistributionPort.ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq.conf"),
        }, Context.LogPath(Name), onLine: ConsoleLog.Append);
        // The AMQP port opens last, once the broker booted; rabbitmq-diagnostics answers earlier than that.
        await Probes.WaitAsync(Name, ct => Probes.TcpAsync(rabbit.Port, ct), server, TimeSpan.FromSeconds(120), cancellationToken);
    }

    public override async Task<bool?> CheckHealthAsync(CancellationToken cancellationToken) =>
        State == ResourceState.Running ? await Probes.TcpAsync(rabbit.Port, cancellationToken) : null;

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
