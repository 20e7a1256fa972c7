namespace Uploads.AppHost.Resources;

public static class LocalRedisBuilderExtensions
{
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, string stateDirectory, int? port)
    {
        var redis = new LocalRedisResource(name, Directory.CreateDirectory(Path.Combine(stateDirectory, name)).FullName);
        return builder.AddResource(redis)
            .WithLocalEndpoint("tcp", "tcp", port)
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.ListenPort());
            })
            .WithArgs("--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
            .WithIconName("Memory")
            .WithProbe(cancellationToken => Probes.RedisPingAsync(redis.Endpoint, cancellationToken));
    }
}
