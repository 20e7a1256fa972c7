using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>Runs a .NET project of this solution from its build output, with the environment Aspire would give it.</summary>
public sealed class ProjectRunner(ProjectResource project, OrchestrationContext context) : ProcessRunner(project, context)
{
    protected override TimeSpan StopGrace => TimeSpan.FromSeconds(30);

    /// <summary>The environment the project starts with; values are read when it starts, after its references chose their ports.</summary>
    public IReadOnlyDictionary<string, string?> Environment()
    {
        var variables = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = project.Url,
            ["ASPNETCORE_ENVIRONMENT"] = Context.Options.EnvironmentName,
            ["DOTNET_ENVIRONMENT"] = Context.Options.EnvironmentName,
            ["OTEL_SERVICE_NAME"] = Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Name}",
        };
        if (Context.OtlpEndpoint is { } otlp)
        {
            // What Aspire gives its projects in development: OTLP, and exports every second rather than every five.
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            variables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            variables["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            variables["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            variables["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        }

        foreach (var (name, value) in project.EnvironmentVariables)
        {
            variables[name] = value.Resolve();
        }

        return variables;
    }

    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(project.AssemblyPath))
        {
            throw new ResourceStartException($"{project.AssemblyPath} does not exist: build the solution first (dotnet build).", "");
        }

        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        StartProcess(dotnet, [project.AssemblyPath], Environment(), Path.GetDirectoryName(project.AssemblyPath));
        await WaitUntilAsync(ct => Probes.HttpOkAsync(new Uri($"{project.Url}/health"), ct), cancellationToken);
    }
}
