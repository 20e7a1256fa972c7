using Uploads.AppHost.Publishing;

namespace Uploads.AppHost.Hosting;

/// <summary>A .NET project of this solution, run from its build output with the environment Aspire would give it.</summary>
/// <param name="dockerfile">The Dockerfile that builds the project's image when the app model is published.</param>
public sealed class ProjectResource(string name, string assemblyPath, string dockerfile, int port) : ProcessResource(name)
{
    /// <summary>The port the project listens on in its container, as .NET images default to.</summary>
    const int ContainerPort = 8080;
    readonly Dictionary<string, EnvironmentValue> environment = [];

    public int Port { get; } = port;
    public string Url => $"http://127.0.0.1:{Port}";
    public override string Kind => "project";
    public override string Endpoint => Url;

    protected override TimeSpan StopGrace => TimeSpan.FromSeconds(30);

    /// <summary>Whether the deployment publishes its HTTP endpoint (the API), or keeps it inside (the worker's health checks).</summary>
    public bool HasExternalHttpEndpoints { get; private set; }

    public ProjectResource WithReference(IResourceWithConnectionString resource) =>
        WithEnvironment($"ConnectionStrings__{resource.Name}", new ConnectionStringReference(resource));

    public ProjectResource WithEnvironment(string name, EnvironmentValue value)
    {
        environment[name] = value;
        return this;
    }

    public ProjectResource WithExternalHttpEndpoints()
    {
        HasExternalHttpEndpoints = true;
        return this;
    }

    /// <summary>The environment the project starts with; values are read when it starts, after its references chose their ports.</summary>
    public IReadOnlyDictionary<string, string?> Environment(ResourceContext context)
    {
        var variables = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = Url,
            ["ASPNETCORE_ENVIRONMENT"] = context.Options.EnvironmentName,
            ["DOTNET_ENVIRONMENT"] = context.Options.EnvironmentName,
            ["OTEL_SERVICE_NAME"] = Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Name}",
        };
        if (context.OtlpEndpoint is { } otlp)
        {
            // What Aspire gives its projects in development: OTLP, and exports every second rather than every five.
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            variables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            variables["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            variables["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            variables["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        }

        foreach (var (name, value) in environment)
        {
            variables[name] = value.Resolve();
        }

        return variables;
    }

    /// <summary>Built from its Dockerfile (Aspire's <c>PublishAsDockerFile</c>), in Production, on port 8080.</summary>
    public override void Publish(PublishContext context)
    {
        var variables = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_HTTP_PORTS"] = ContainerPort.ToString(),
            ["OTEL_SERVICE_NAME"] = Name,
        };
        foreach (var (name, value) in environment)
        {
            variables[name] = context.Expression(value);
        }

        context.Add(Name, new ManifestResource
        {
            Type = "dockerfile.v0",
            Path = context.Relative(dockerfile),
            Context = context.Relative(AppHostPaths.RepositoryRoot),
            Env = variables,
            Bindings = new() { ["http"] = new("http", "tcp", "http", ContainerPort, External: HasExternalHttpEndpoints) },
            Deployment = new(
                HealthCheck: ["CMD", "curl", "--fail", "--silent", $"http://localhost:{ContainerPort}/health"],
                DependsOn: [.. WaitsFor.Select(r => r.Name)]),
        });
    }

    protected override async Task StartCoreAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new ResourceStartException($"{assemblyPath} does not exist: build the solution first (dotnet build).", "");
        }

        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        StartProcess(context, dotnet, [assemblyPath], Environment(context), Path.GetDirectoryName(assemblyPath));
        await WaitUntilAsync(ct => Probes.HttpOkAsync(new Uri($"{Url}/health"), ct), cancellationToken);
    }
}

public static class ProjectBuilderExtensions
{
    public static ProjectResource AddProject(this DistributedApplicationBuilder builder, string name, string assemblyPath, string dockerfile) =>
        builder.AddResource(new ProjectResource(name, assemblyPath, dockerfile, builder.Options.PortFor(name)));
}
