using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost;

/// <summary>The resources of the Uploads app model, for whoever runs or publishes it (the tests, the benchmarks).</summary>
public sealed record UploadsResources(
    PostgresServerResource Postgres,
    PostgresDatabaseResource Database,
    ObjectStorageResource Storage,
    RedisResource Cache,
    RabbitMQResource Messaging,
    ScannerResource Scanner,
    ProjectResource Api,
    IReadOnlyList<ProjectResource> Workers)
{
    public ProjectResource Worker => Workers[0];
}
