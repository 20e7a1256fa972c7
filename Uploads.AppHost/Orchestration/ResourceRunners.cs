using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>Which runner runs which kind of resource.</summary>
static class ResourceRunners
{
    public static ResourceRunner Create(Resource resource, OrchestrationContext context, Func<Resource, ResourceRunner> runnerOf) => resource switch
    {
        PostgresServerResource postgres => new PostgresServerRunner(postgres, context),
        PostgresDatabaseResource database => new PostgresDatabaseRunner(database, runnerOf(database.Server), context),
        ObjectStorageResource storage => new ObjectStorageRunner(storage, context),
        RedisResource redis => new RedisRunner(redis, context),
        RabbitMQResource rabbit => new RabbitMQRunner(rabbit, context),
        ScannerResource scanner => new ScannerRunner(scanner, context),
        ProjectResource project => new ProjectRunner(project, context),
        _ => throw new NotSupportedException($"{resource.Name}: no runner runs a {resource.GetType().Name}."),
    };
}
