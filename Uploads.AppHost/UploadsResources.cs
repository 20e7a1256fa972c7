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
    IReadOnlyList<ProjectResource> Apis,
    IReadOnlyList<ProjectResource> Workers)
{
    public ProjectResource Api => Apis[0];
    public ProjectResource Worker => Workers[0];

    public IEnumerable<ProjectResource> Projects => Apis.Concat(Workers);
}
