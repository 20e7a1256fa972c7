using Uploads.AppHost;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// A <see cref="FaultProxy"/> in front of each backing service, with the services' connection strings pointed at them.
/// The workers reach storage through <see cref="Storage"/>; the API reaches it directly, so that a fault can cut the
/// workers off and a file can still be confirmed. Both reach PostgreSQL, RabbitMQ and Redis through the others.
/// Storage reports created objects to the API through <see cref="StorageEvents"/>, which refuses them unless a test
/// lets them pass: most tests confirm their uploads themselves, and some need an upload left unconfirmed.
/// </summary>
public sealed class FaultProxies : IAsyncDisposable
{
    FaultProxies(UploadsResources resources)
    {
        Storage = new FaultProxy("storage", resources.Storage.Port);
        Database = new FaultProxy("postgres", resources.Postgres.Port);
        Broker = new FaultProxy("messaging", resources.Messaging.Port);
        Cache = new FaultProxy("cache", resources.Cache.Port);
        StorageEvents = new FaultProxy("storage-events", resources.Storage.Events!.Target.Port);
        StorageEvents.Set(FaultMode.Refuse);
    }

    public FaultProxy Storage { get; }
    public FaultProxy Database { get; }
    public FaultProxy Broker { get; }
    public FaultProxy Cache { get; }
    public FaultProxy StorageEvents { get; }

    /// <summary>The links between the services and their backing services, where chaos is made.</summary>
    public IReadOnlyList<FaultProxy> All => [Storage, Database, Broker, Cache];

    /// <summary>Starts the proxies and routes the API's and the workers' connections through them (before the app is built).</summary>
    public static FaultProxies RouteThrough(UploadsResources resources)
    {
        var proxies = new FaultProxies(resources);
        string Through(string connectionString, int port, FaultProxy proxy) => connectionString
            .Replace($":{port}", $":{proxy.Port}", StringComparison.Ordinal)
            .Replace($"Port={port}", $"Port={proxy.Port}", StringComparison.Ordinal);

        var events = resources.Storage.Events!;
        resources.Storage.WithEventsRoutedThrough($"http://127.0.0.1:{proxies.StorageEvents.Port}{events.Path}");
        foreach (var worker in resources.Workers)
        {
            worker.WithEnvironment("ConnectionStrings__storage", Through(resources.Storage.ConnectionString, resources.Storage.Port, proxies.Storage));
        }

        foreach (var project in resources.Projects)
        {
            project.WithEnvironment("ConnectionStrings__uploads", Through(resources.Database.ConnectionString, resources.Postgres.Port, proxies.Database))
                .WithEnvironment("ConnectionStrings__messaging", Through(resources.Messaging.ConnectionString, resources.Messaging.Port, proxies.Broker))
                .WithEnvironment("ConnectionStrings__cache", Through(resources.Cache.ConnectionString, resources.Cache.Port, proxies.Cache));
        }

        return proxies;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in All.Append(StorageEvents))
        {
            await proxy.DisposeAsync();
        }
    }
}
