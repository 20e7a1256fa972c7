using System.Security.Cryptography;
using Uploads.AppHost.Resources;
using Uploads.AppHost.Tokens;

namespace Uploads.AppHost;

/// <summary>
/// The Uploads application model: what runs, and what each part is given to reach the others. In run mode every
/// backing service is an executable of this machine (there is no container engine here); published, the same names
/// are containers.
/// </summary>
public static class AppModel
{
    /// <summary>The API's endpoint for storage events (<c>StorageEventsApi.Path</c>).</summary>
    public const string StorageEventsPath = "/storage/events";

    public static void AddUploads(this IDistributedApplicationBuilder builder, AppHostOptions options)
    {
        var publishing = builder.ExecutionContext.IsPublishMode;
        var backing = publishing ? BackingServices.AddContainers(builder) : BackingServices.AddExecutables(builder, options);

        // What a process of ours is handed to reach the backing services, under Aspire's ConnectionStrings__<name>.
        IResourceBuilder<ProjectResource> WithConnections(IResourceBuilder<ProjectResource> project) => project
            .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
            .WithReference(backing.Database)
            .WithReference(backing.Storage)
            .WithReference(backing.Cache)
            .WithReference(backing.Messaging)
            .WithEnvironment("Storage__Bucket", BackingServices.Bucket)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", publishing ? "Production" : options.EnvironmentName)
            .WithEnvironment("DOTNET_ENVIRONMENT", publishing ? "Production" : options.EnvironmentName);

        // The one process that changes the schema: the API and the workers start once it has finished.
        var migrate = WithConnections(builder.AddProject<Projects.Uploads_Worker>("migrate", launchProfileName: null))
            .WithReference(backing.Scanner)
            .WithArgs("migrate")
            .WaitFor(backing.Database);

        IResourceBuilder<ProjectResource> WithBackingServices(IResourceBuilder<ProjectResource> project, int? port) => WithConnections(project)
            .WithHttpEndpoint(port: port, name: "http")
            .WithEnvironment("Database__MigrateOnStartup", "false")
            .WithHttpHealthCheck("/health")
            .WaitForCompletion(migrate)
            .WaitFor(backing.Storage)
            .WaitFor(backing.Cache)
            .WaitFor(backing.Messaging);

        // Nothing larger than the scanner can scan is accepted: the client hears it when it asks (413), not after uploading.
        var api = WithBackingServices(builder.AddProject<Projects.Uploads_Api>("api", launchProfileName: null), publishing ? null : options.PortOf("api"))
            .WithExternalHttpEndpoints()
            .WithEnvironment("Uploads__MaxFileBytes", ScannerResource.MaxStreamBytes.ToString())
            .WithReplicas(publishing ? 1 : options.ApiReplicas);

        // Storage reports what it stores (ObjectCreated events) to the API, which confirms the upload itself: a client
        // that never confirms (Uppy's single-part flow) still gets its file synced.
        var eventsUrl = ReferenceExpression.Create($"{api.GetEndpoint("http")}{StorageEventsPath}");
        if (publishing)
        {
            // A deployment supplies its own key, and the addresses browsers use: the page's origin, and the storage's.
            var eventsSecret = builder.AddParameter("storage-events-secret", secret: true)
                .WithDescription("The token storage sends its object events to the API with; 32 characters or more.");
            // Webhooks go out to the tenants' receivers; nothing else of ours connects out of the deployment.
            api.WithAnnotation(new DeploymentHints(ReachesInternet: true));
            api.WithEnvironment("Authentication__Tokens__SigningKeys__0", builder.AddParameter("token-signing-key", secret: true)
                    .WithDescription("The base64 HMAC key that signs access tokens (32 bytes or more); or configure an OIDC Authority instead."))
                .WithEnvironment("Storage__PublicEndpoint", builder.AddParameter("storage-public-endpoint")
                    .WithDescription("Where browsers reach the storage (its public URL); presigned URLs point there."))
                .WithEnvironment("StorageEvents__Secret", eventsSecret);
            var appOrigin = builder.AddParameter("app-origin").WithDescription("The origin of the page that uploads (CORS), e.g. https://uploads.example.com.");
            builder.CreateResourceBuilder((MinioContainerResource)backing.Storage.Resource)
                .WithBrowserOrigin(appOrigin)
                .WithEventsTo(eventsUrl, eventsSecret);
        }
        else
        {
            var eventsSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            api.WithEnvironment("Authentication__Tokens__SigningKeys__0", DevelopmentSigningKey.LoadOrCreate(options.StateDirectory))
                .WithEnvironment("Authentication__Tokens__Issuer", DevelopmentTokenWriter.Issuer)
                .WithEnvironment("Authentication__Tokens__Audience", DevelopmentTokenWriter.Audience)
                .WithEnvironment("Authentication__Tokens__DevelopmentKeys", "true")
                // A developer's webhook receiver runs on this machine, over http.
                .WithEnvironment("Webhooks__AllowInsecureTargets", "true")
                .WithEnvironment("StorageEvents__Secret", eventsSecret)
                .WithDevelopmentTokenCommand(options.StateDirectory);
            builder.CreateResourceBuilder((StorageServerResource)backing.Storage.Resource)
                // The page is served by the API, under either name of this machine.
                .WithBrowserOrigin(ReferenceExpression.Create($"{api.GetEndpoint("http")}"))
                .WithBrowserOrigin(ReferenceExpression.Create($"http://127.0.0.1:{api.GetEndpoint("http").Property(EndpointProperty.Port)}"))
                .WithEventsTo(eventsUrl, eventsSecret);
        }

        // Only the worker reads file content, so only it scans.
        WithBackingServices(builder.AddProject<Projects.Uploads_Worker>("worker", launchProfileName: null), port: null)
            .WithReference(backing.Scanner)
            .WithEnvironment("Scanning__MaxStreamBytes", ScannerResource.MaxStreamBytes.ToString())
            .WaitFor(backing.Scanner)
            .WithReplicas(publishing ? 1 : options.WorkerReplicas);
    }
}
