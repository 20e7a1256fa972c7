namespace Uploads.AppHost.ApplicationModel;

public static class RedisBuilderExtensions
{
    public static RedisResource AddRedis(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RedisResource(name, builder.Options.PortFor(name)));
}
