using System.Security.Cryptography;
using Uploads.AppHost.ApplicationModel;
using Uploads.AppHost.Tokens;

namespace Uploads.AppHost;

/// <summary>The Uploads app model: what runs, and what each part is given to reach the others.</summary>
public static class AppModel
{
    /// <summary>The API's endpoint for storage events (<c>StorageEventsApi.Path</c>).</summary>
    public const string StorageEventsPath = "/storage/events";

    /// <param name="apiReplicas">API processes serving the same database and broker (<c>api</c>, <c>api-2</c>, …), each on its own port.</param>
    /// <param name="workerReplicas">Worker processes competing for the same queue (<c>worker</c>, <c>worker-2</c>, …).</param>
    public static UploadsResources AddUploads(this DistributedApplicationBuilder builder, int apiReplicas = 1, int workerReplicas = 1)
    {
        var postgres = builder.AddPostgres("postgres");
        var database = postgres.AddDatabase("uploads");
        var storage = builder.AddObjectStorage("storage").WithBucket("uploads");
        var cache = builder.AddRedis("cache");
        var messaging = builder.AddRabbitMQ("messaging");
        var scanner = builder.AddScanner("scanner");
        if (!builder.Options.IsPublishMode)
        {
            scanner.WithSignatures(AppHostPaths.DevelopmentSignatures);
        }

        // The API and the worker reach the same four services, and start once all four answer.
        ProjectResource WithBackingServices(ProjectResource project) => project
            .WithReference(database)
            .WithReference(storage)
            .WithReference(cache)
            .WithReference(messaging)
            .WithEnvironment("Storage__Bucket", storage.Bucket)
            .WaitFor(database)
            .WaitFor(storage)
            .WaitFor(cache)
            .WaitFor(messaging);

        // Nothing larger than the scanner can scan is accepted: the client hears it when it asks (413), not after uploading.
        ProjectResource AddApi(string name)
        {
            var api = WithBackingServices(builder.AddProject(name, AppHostPaths.Project("api"), AppHostPaths.Dockerfile("api")))
                .WithEnvironment("Uploads__MaxFileBytes", ScannerResource.MaxStreamBytes.ToString())
                .WithExternalHttpEndpoints();
            if (builder.Options.IsPublishMode)
            {
                // A deployment supplies its own key, and the addresses browsers use: the page's origin, and the storage's.
                api.WithEnvironment("Authentication__Tokens__SigningKeys__0", builder.AddParameter(
                        "token-signing-key", "The base64 HMAC key that signs access tokens (32 bytes or more); or configure an OIDC Authority instead.", secret: true))
                    .WithEnvironment("Storage__PublicEndpoint", builder.AddParameter(
                        "storage-public-endpoint", "Where browsers reach the storage (its public URL); presigned URLs point there."));
                storage.WithBrowserOrigin(builder.AddParameter("app-origin", "The origin of the page that uploads (CORS), e.g. https://uploads.example.com."));
            }
            else
            {
                api.WithEnvironment("Authentication__Tokens__SigningKeys__0", DevelopmentSigningKey.LoadOrCreate(builder.Options.StateDirectory))
                    .WithEnvironment("Authentication__Tokens__Issuer", DevelopmentTokenWriter.Issuer)
                    .WithEnvironment("Authentication__Tokens__Audience", DevelopmentTokenWriter.Audience)
                    .WithEnvironment("Authentication__Tokens__DevelopmentKeys", "true")
                    // A developer's webhook receiver runs on this machine, over http.
                    .WithEnvironment("Webhooks__AllowInsecureTargets", "true");
                storage.WithBrowserOrigin(api.Url);
            }

            return api;
        }

        // A deployment sets its replicas itself (the Helm chart's values): published, each project is described once.
        var apis = Enumerable.Range(1, builder.Options.IsPublishMode ? 1 : apiReplicas)
            .Select(replica => AddApi(ReplicaName("api", replica)))
            .ToList();

        // Storage reports what it stores (ObjectCreated events) to the API, which confirms the upload itself: a client
        // that never confirms (Uppy's single-part flow) still gets its file synced.
        EnvironmentValue eventsSecret = builder.Options.IsPublishMode
            ? builder.AddParameter("storage-events-secret", "The token storage sends its object events to the API with; 32 characters or more.", secret: true)
            : Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        storage.WithEventsTo(apis[0], StorageEventsPath, eventsSecret);
        foreach (var api in apis)
        {
            api.WithEnvironment("StorageEvents__Secret", eventsSecret);
        }

        // Only the worker reads file content, so only it scans.
        var workers = Enumerable.Range(1, builder.Options.IsPublishMode ? 1 : workerReplicas)
            .Select(replica => WithBackingServices(builder.AddProject(
                    ReplicaName("worker", replica), AppHostPaths.Project("worker"), AppHostPaths.Dockerfile("worker")))
                .WithReference(scanner)
                .WithEnvironment("Scanning__MaxStreamBytes", ScannerResource.MaxStreamBytes.ToString())
                .WaitFor(scanner))
            .ToList();

        return new UploadsResources(postgres, database, storage, cache, messaging, scanner, apis, workers);
    }

    /// <summary>Replicas as Aspire names them locally: <c>api</c>, <c>api-2</c>, ….</summary>
    static string ReplicaName(string name, int replica) => replica == 1 ? name : $"{name}-{replica}";
}
