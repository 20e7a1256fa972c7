using Uploads.AppHost.Hosting;

namespace Uploads.AppHost;

/// <summary>The Uploads app model: what runs, and what each part is given to reach the others.</summary>
public static class AppModel
{
    public static UploadsResources AddUploads(this DistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres");
        var database = postgres.AddDatabase("uploads");
        var storage = builder.AddObjectStorage("storage").WithBucket("uploads");
        var cache = builder.AddRedis("cache");
        var messaging = builder.AddRabbitMQ("messaging");

        var api = builder.AddProject("api", AppHostPaths.Project("api"))
            .WithReference(database)
            .WithReference(storage)
            .WithReference(cache)
            .WithReference(messaging)
            .WithEnvironment("Storage__Bucket", storage.Bucket)
            .WaitFor(database)
            .WaitFor(storage)
            .WaitFor(cache)
            .WaitFor(messaging);
        storage.WithBrowserOrigin(api.Url);

        var worker = builder.AddProject("worker", AppHostPaths.Project("worker"))
            .WithReference(database)
            .WithReference(storage)
            .WithReference(cache)
            .WithReference(messaging)
            .WithEnvironment("Storage__Bucket", storage.Bucket)
            .WaitFor(database)
            .WaitFor(storage)
            .WaitFor(cache)
            .WaitFor(messaging);

        return new UploadsResources(postgres, database, storage, cache, messaging, api, worker);
    }
}

public sealed record UploadsResources(
    PostgresServerResource Postgres,
    PostgresDatabaseResource Database,
    ObjectStorageResource Storage,
    RedisResource Cache,
    RabbitMQResource Messaging,
    ProjectResource Api,
    ProjectResource Worker);
