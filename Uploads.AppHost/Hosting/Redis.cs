using Uploads.AppHost.Publishing;

namespace Uploads.AppHost.Hosting;

public sealed class RedisResource(string name, int port) : ProcessResource(name), IResourceWithConnectionString
{
    public int Port { get; } = port;
    public override string Kind => "redis";
    public override string Endpoint => $"tcp://127.0.0.1:{Port}";
    public string ConnectionString => $"127.0.0.1:{Port}";

    public override void Publish(PublishContext context)
    {
        var password = context.Expression(new ParameterResource($"{Name}-password", Secret: true, "The password Redis requires."));
        context.Add(Name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.Redis,
            ConnectionString = $"{{{Name}.bindings.tcp.host}}:{{{Name}.bindings.tcp.port}},password={password}",
            // A cache, as in development: nothing is saved.
            Args = ["--requirepass", password, "--save", "", "--appendonly", "no"],
            Env = new() { ["REDISCLI_AUTH"] = password },
            Bindings = new() { ["tcp"] = new("tcp", "tcp", "tcp", 6379) },
            Deployment = new(HealthCheck: ["CMD", "redis-cli", "ping"]),
        });
    }

    protected override async Task StartCoreAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        var dataDirectory = context.DataDirectory(Name);
        Directory.CreateDirectory(dataDirectory);
        // A cache: nothing is saved, so a restart starts empty and a stop never waits on a snapshot.
        StartProcess(context, "redis-server",
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", dataDirectory, "--save", "", "--appendonly", "no"]);
        await WaitUntilAsync(ct => Probes.RedisPingAsync(Port, ct), cancellationToken);
    }
}

public static class RedisBuilderExtensions
{
    public static RedisResource AddRedis(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RedisResource(name, builder.Options.PortFor(name)));
}
