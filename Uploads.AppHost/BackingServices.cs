using Uploads.AppHost.Resources;

namespace Uploads.AppHost;

/// <summary>The services the API and the worker reach, by the names their connection strings carry.</summary>
public sealed record BackingServices(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString> Storage,
    IResourceBuilder<IResourceWithConnectionString> Cache,
    IResourceBuilder<IResourceWithConnectionString> Messaging,
    IResourceBuilder<IResourceWithConnectionString> Scanner)
{
    public const string Bucket = "uploads";

    /// <summary>The RabbitMQ user the services connect as in a deployment; its password is a parameter.</summary>
    public const string RabbitMQUser = "uploads";

    /// <summary>This machine: every service an executable DCP runs, its data under the state directory.</summary>
    public static BackingServices AddExecutables(IDistributedApplicationBuilder builder, AppHostOptions options)
    {
        var state = options.StateDirectory;
        int Port(string name) => options.PortOf(name) ?? FreePorts.Next();
        var database = builder.AddLocalPostgres("postgres", state, Port("postgres")).AddDatabase("uploads");
        var storage = builder.AddStorageServer("storage", state, AppHostPaths.StorageServerDirectory, Port("storage"));
        storage.Resource.Bucket = Bucket;
        var cache = builder.AddLocalRedis("cache", state, Port("cache"));
        var messaging = builder.AddLocalRabbitMQ("messaging", state, Port("messaging"), Port("messaging-dist"), Port("messaging-epmd"));
        var scanner = builder.AddScanner("scanner", state, Port("scanner")).WithSignatures(AppHostPaths.DevelopmentSignatures);
        return new(Upcast(builder, database), Upcast(builder, storage), Upcast(builder, cache), Upcast(builder, messaging), Upcast(builder, scanner));
    }

    /// <summary>A deployment: Aspire's PostgreSQL, Redis and RabbitMQ containers, MinIO and ClamAV images, secrets as parameters.</summary>
    public static BackingServices AddContainers(IDistributedApplicationBuilder builder)
    {
        var database = builder.AddPostgres("postgres").WithImageTag(ContainerImages.PostgresTag).WithDataVolume("postgres-data")
            .WithAnnotation(new DeploymentHints(HealthCheck: ["CMD-SHELL", "pg_isready -U postgres"]))
            .AddDatabase("uploads");
        var storage = builder.AddMinio("storage", Bucket);
        var cache = builder.AddRedis("cache").WithImageTag(ContainerImages.RedisTag)
            .WithAnnotation(new DeploymentHints(HealthCheck: ["CMD-SHELL", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli ping"]));
        var messaging = builder.AddRabbitMQ("messaging", userName: builder.AddParameter("messaging-username", RabbitMQUser, publishValueAsDefault: true)).WithImageTag(ContainerImages.RabbitMQTag).WithDataVolume("messaging-data")
            .WithAnnotation(new DeploymentHints(HealthCheck: ["CMD", "rabbitmq-diagnostics", "-q", "ping"]));
        var scanner = builder.AddClamAv("scanner", Path.GetDirectoryName(Path.GetFullPath(builder.Configuration["Publishing:OutputPath"] ?? "manifest.json"))!);
        return new(Upcast(builder, database), Upcast(builder, storage), Upcast(builder, cache), Upcast(builder, messaging), Upcast(builder, scanner));
    }

    static IResourceBuilder<IResourceWithConnectionString> Upcast<T>(IDistributedApplicationBuilder builder, IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString => builder.CreateResourceBuilder<IResourceWithConnectionString>(resource.Resource);
}
