namespace Uploads.AppHost.Hosting;

/// <summary>A .NET project of this solution, run from its build output with the environment Aspire would give it.</summary>
public sealed class ProjectResource(string name, string assemblyPath, int port) : ProcessResource(name)
{
    readonly Dictionary<string, Func<string>> environment = [];

    public int Port { get; } = port;
    public string Url => $"http://127.0.0.1:{Port}";
    public override string Kind => "project";
    public override string Endpoint => Url;

    protected override TimeSpan StopGrace => TimeSpan.FromSeconds(30);

    public ProjectResource WithReference(IResourceWithConnectionString resource) =>
        WithEnvironment($"ConnectionStrings__{resource.Name}", () => resource.ConnectionString);

    public ProjectResource WithEnvironment(string name, string value) => WithEnvironment(name, () => value);

    public ProjectResource WithEnvironment(string name, Func<string> value)
    {
        environment[name] = value;
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
            variables[name] = value();
        }

        return variables;
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
    public static ProjectResource AddProject(this DistributedApplicationBuilder builder, string name, string assemblyPath) =>
        builder.AddResource(new ProjectResource(name, assemblyPath, builder.Options.PortFor(name)));
}
