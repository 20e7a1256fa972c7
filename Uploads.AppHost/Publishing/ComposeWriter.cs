using Uploads.AppHost.Resources;
using YamlDotNet.Serialization;

namespace Uploads.AppHost.Publishing;

/// <summary>
/// Writes <c>docker-compose.yaml</c> from the manifest: one service per container and Dockerfile resource, reachable
/// by its name on the compose network, with health checks, named volumes, and every parameter as a required variable
/// (listed in <c>.env.example</c>). The standalone Aspire dashboard receives the services' telemetry, as in development.
/// </summary>
public static class ComposeWriter
{
    public const string FileName = "docker-compose.yaml";
    public const string VariablesFileName = ".env.example";
    public const string DashboardService = "dashboard";

    /// <summary>The one network that reaches out: published ports, and the services that connect out (<see cref="Resources.DeploymentHints.ReachesInternet"/>).</summary>
    public const string EdgeNetwork = "edge";

    /// <summary>Where the services send their telemetry to the dashboard, and nothing else.</summary>
    public const string TelemetryNetwork = "telemetry";

    /// <summary>The network of a backing service: it and the services that connect to it, no one else; internal (no way out).</summary>
    public static string NetworkTo(string service) => $"to-{service}";
    const string DashboardApiKey = "dashboard-otlp-api-key";

    public static string Write(IReadOnlyDictionary<string, ManifestResource> resources, string outputDirectory)
    {
        var expressions = new ManifestExpressions(resources);
        var clients = ManifestConnections.ClientsOf(resources);
        var services = new Dictionary<string, object>();
        var volumes = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, resource) in resources.Where(r => r.Value.Type is "container.v0" or "dockerfile.v0"))
        {
            var service = new Dictionary<string, object>();
            if (resource.Type == "dockerfile.v0")
            {
                var context = Path.GetFullPath(Path.Combine(outputDirectory, resource.Context!));
                var dockerfile = Path.GetFullPath(Path.Combine(outputDirectory, resource.Path!));
                service["build"] = new Dictionary<string, object>
                {
                    ["context"] = resource.Context!,
                    ["dockerfile"] = Path.GetRelativePath(context, dockerfile).Replace('\\', '/'),
                };
                service["image"] = $"uploads-{name}:latest";
            }
            else
            {
                service["image"] = resource.Image!;
            }

            if (resource.Entrypoint is { } entrypoint)
            {
                service["entrypoint"] = entrypoint;
            }

            if (resource.Args is { Count: > 0 } args)
            {
                service["command"] = args.Select(expressions.Resolve).ToList();
            }

            var environment = (resource.Env ?? []).ToDictionary(e => e.Key, e => expressions.Resolve(e.Value));
            if (resource.Type == "dockerfile.v0")
            {
                environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://{DashboardService}:18889";
                environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
                environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={ManifestExpressions.Variable(DashboardApiKey)}";
            }

            if (environment.Count > 0)
            {
                service["environment"] = new SortedDictionary<string, string>(environment, StringComparer.Ordinal);
            }

            var published = (resource.Bindings ?? []).Values.Where(b => b.External).Select(b => $"{b.TargetPort}:{b.TargetPort}").ToList();
            if (published.Count > 0)
            {
                service["ports"] = published;
            }

            var mounted = (resource.Volumes ?? []).Select(v => $"{v.Name}:{v.Target}{(v.ReadOnly ? ":ro" : "")}")
                .Concat((resource.BindMounts ?? []).Select(b => $"./{b.Source}:{b.Target}{(b.ReadOnly ? ":ro" : "")}"))
                .ToList();
            if (mounted.Count > 0)
            {
                service["volumes"] = mounted;
            }

            foreach (var volume in resource.Volumes ?? [])
            {
                volumes[volume.Name] = new Dictionary<string, object>();
            }

            if (resource.Deployment.HealthCheck is { } test)
            {
                service["healthcheck"] = new Dictionary<string, object>
                {
                    ["test"] = test,
                    ["interval"] = "10s",
                    ["timeout"] = "5s",
                    ["retries"] = 5,
                    ["start_period"] = "30s",
                };
            }

            if (DependsOn(name, resource, resources) is { Count: > 0 } dependencies)
            {
                service["depends_on"] = dependencies;
            }

            if (!resource.Deployment.RunsToCompletion)
            {
                service["restart"] = "unless-stopped";
            }

            service["networks"] = NetworksOf(name, resource, clients);
            services[name] = service;
        }

        services[DashboardService] = new Dictionary<string, object>
        {
            ["image"] = ContainerImages.AspireDashboard,
            // Loopback only: the dashboard shows logs and traces. Its sign-in token is in its log (docker compose logs dashboard).
            ["ports"] = new List<string> { "127.0.0.1:18888:18888" },
            ["environment"] = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["DASHBOARD__OTLP__AUTHMODE"] = "ApiKey",
                ["DASHBOARD__OTLP__PRIMARYAPIKEY"] = ManifestExpressions.Variable(DashboardApiKey),
            },
            ["restart"] = "unless-stopped",
            ["networks"] = new List<string> { EdgeNetwork, TelemetryNetwork },
        };

        var networks = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            [EdgeNetwork] = new Dictionary<string, object>(),
            [TelemetryNetwork] = new Dictionary<string, object> { ["internal"] = true },
        };
        foreach (var backing in clients.Keys)
        {
            networks[NetworkTo(backing)] = new Dictionary<string, object> { ["internal"] = true };
        }

        var compose = new Dictionary<string, object> { ["name"] = "uploads", ["services"] = services, ["networks"] = networks };
        if (volumes.Count > 0)
        {
            compose["volumes"] = volumes;
        }

        return "# Generated by `dotnet run --project Uploads.AppHost -- publish`; do not edit, publish again.\n"
            + new SerializerBuilder().DisableAliases().WithQuotingNecessaryStrings().Build().Serialize(compose);
    }

    /// <summary>
    /// A service's networks: the one of each backing service it is or connects to, the telemetry network for our own
    /// services, and the edge for a published port or a connection out. A backing service is thus reachable from its
    /// clients only: clamd from the worker's image, PostgreSQL, Redis and RabbitMQ from the services.
    /// </summary>
    static List<string> NetworksOf(string name, ManifestResource resource, IReadOnlyDictionary<string, SortedSet<string>> clients)
    {
        var networks = clients.Where(c => c.Key == name || c.Value.Contains(name)).Select(c => NetworkTo(c.Key)).ToList();
        if (resource.Type == "dockerfile.v0")
        {
            networks.Add(TelemetryNetwork);
        }

        if (resource.Deployment.ReachesInternet || (resource.Bindings ?? []).Values.Any(b => b.External))
        {
            networks.Add(EdgeNetwork);
        }

        return networks;
    }

    /// <summary>Every variable the compose file requires, with what it is for; values are left for the operator.</summary>
    public static string WriteVariables(IReadOnlyDictionary<string, ManifestResource> resources)
    {
        var parameters = resources
            .Where(r => r.Value.Type == "parameter.v0" && r.Value.Inputs!["value"].Literal is null)
            .Select(r => (r.Key, Input: r.Value.Inputs!["value"]))
            .Append((Key: DashboardApiKey, Input: new ParameterInput("string", true, "The key the services send their telemetry to the dashboard with.")));
        var lines = new List<string> { "# The variables docker-compose.yaml requires. Copy to .env, fill in, and keep .env out of version control." };
        foreach (var (name, input) in parameters)
        {
            lines.Add("");
            lines.Add($"# {name}{(input.Secret ? " (secret)" : "")}: {input.Description}");
            lines.Add($"{ManifestExpressions.VariableName(name)}=");
        }

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// The services a resource waits for: healthy, or (for a one-shot job such as creating the bucket) finished.
    /// A value resource (the database) stands for the containers its connection string names.
    /// </summary>
    static Dictionary<string, object> DependsOn(string name, ManifestResource resource, IReadOnlyDictionary<string, ManifestResource> resources)
    {
        var services = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var dependency in resource.Deployment.DependsOn ?? [])
        {
            if (resources[dependency].Type == "value.v0")
            {
                services.UnionWith(ManifestExpressions.References(resources[dependency].ConnectionString ?? "")
                    .Select(r => r.Resource)
                    .Where(r => resources[r].Type is "container.v0" or "dockerfile.v0"));
            }
            else
            {
                services.Add(dependency);
            }
        }

        var jobs = resources
            .Where(r => r.Key != name && r.Value.Deployment.RunsToCompletion && (r.Value.Deployment.DependsOn ?? []).Any(services.Contains))
            .Select(r => r.Key)
            .ToList();
        var conditions = services.ToDictionary(s => s, s => (object)new Dictionary<string, string>
        {
            ["condition"] = resources[s].Deployment.RunsToCompletion ? "service_completed_successfully" : "service_healthy",
        });
        foreach (var job in jobs)
        {
            conditions[job] = new Dictionary<string, string> { ["condition"] = "service_completed_successfully" };
        }

        return conditions;
    }
}
