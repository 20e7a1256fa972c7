using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Uploads.AppHost.Resources;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// A <see cref="FaultProxy"/> in front of each backing service, with the services' connection strings pointed at them.
/// The workers reach storage through <see cref="Storage"/>; the API reaches it directly, so that a fault can cut the
/// workers off and a file can still be confirmed. Both reach PostgreSQL, RabbitMQ and Redis through the others.
/// Storage reports created objects to the API through <see cref="StorageEvents"/>, which refuses them unless a test
/// lets them pass: most tests confirm their uploads themselves, and some need an upload left unconfirmed.
/// </summary>
public sealed class FaultProxies(StackPorts ports) : IAsyncDisposable
{
    public FaultProxy Storage { get; } = new("storage", ports["storage"]);
    public FaultProxy Database { get; } = new("postgres", ports["postgres"]);
    public FaultProxy Broker { get; } = new("messaging", ports["messaging"]);
    public FaultProxy Cache { get; } = new("cache", ports["cache"]);
    public FaultProxy StorageEvents { get; } = Refusing(new FaultProxy("storage-events", ports["api"]));

    /// <summary>The links between the services and their backing services, where chaos is made.</summary>
    public IReadOnlyList<FaultProxy> All => [Storage, Database, Broker, Cache];

    /// <summary>Routes the projects' connections and storage's events through the proxies (before the app is built).</summary>
    public void RouteThrough(IReadOnlyDictionary<string, IResourceBuilder<ProjectResource>> projects, IResourceBuilder<StorageServerResource> storage)
    {
        string eventsUrl = $"http://127.0.0.1:{StorageEvents.Port}{Uploads.AppHost.AppModel.StorageEventsPath}";
        string workersStorage = $"Endpoint=http://localhost:{Storage.Port};AccessKey={storage.Resource.AccessKey};SecretKey={storage.Resource.SecretKey}";
        string database = $"Host=localhost;Port={Database.Port};Username=postgres;Database=uploads";
        string messaging = $"amqp://guest:guest@localhost:{Broker.Port}";
        string cache = $"localhost:{Cache.Port}";
        storage.WithEnvironment(StorageServerResource.EventsUrlVariable, eventsUrl);
        projects["worker"].WithEnvironment("ConnectionStrings__storage", workersStorage);
        foreach (var project in projects.Values)
        {
            project.WithEnvironment("ConnectionStrings__uploads", database)
                .WithEnvironment("ConnectionStrings__messaging", messaging)
                .WithEnvironment("ConnectionStrings__cache", cache);
        }
    }

    static FaultProxy Refusing(FaultProxy proxy)
    {
        proxy.Set(FaultMode.Refuse);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in All.Append(StorageEvents))
        {
            await proxy.DisposeAsync();
        }
    }
}
