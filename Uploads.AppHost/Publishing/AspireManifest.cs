using System.Text.Json;

using Uploads.AppHost.Resources;

namespace Uploads.AppHost.Publishing;

/// <summary>
/// Reads the manifest Aspire's publisher wrote (<c>--publisher manifest</c>) for the compose and Helm writers, with
/// what the manifest does not carry taken from the same model: each resource's <see cref="DeploymentHints"/> and the
/// resources it waits for. A project is published as the image its Dockerfile builds, on .NET's container port.
/// </summary>
public static class AspireManifest
{
    public const string FileName = "manifest.json";

    /// <summary>The port a project listens on in its container, as .NET images default to.</summary>
    public const int ProjectContainerPort = 8080;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyDictionary<string, ManifestResource> Read(string path, DistributedApplicationModel model)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var resources = new OrderedDictionary<string, ManifestResource>();
        foreach (var entry in document.RootElement.GetProperty("resources").EnumerateObject())
        {
            var resource = entry.Value.Deserialize<ManifestResource>(Json)!;
            // Aspire adds resources of its own to the manifest (a URI-encoded password, a condition): they have no hints.
            var annotations = model.Resources.SingleOrDefault(r => r.Name == entry.Name)?.Annotations ?? [];
            var hints = (annotations.OfType<DeploymentHints>().LastOrDefault() ?? new DeploymentHints()) with
            {
                DependsOn = [.. annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource.Name).Distinct()],
            };
            resources[entry.Name] = resource.Type == "project.v0" ? AsDockerfile(entry.Name, resource, hints, directory) : resource with { Deployment = hints };
        }

        return resources;
    }

    /// <summary>Built from the Dockerfile beside the project (what <c>PublishAsDockerFile</c> would say), in Production, on port 8080.</summary>
    static ManifestResource AsDockerfile(string name, ManifestResource project, DeploymentHints hints, string directory)
    {
        var projectDirectory = Path.GetDirectoryName(Path.GetFullPath(Path.Combine(directory, project.Path!)))!;
        return project with
        {
            Type = "dockerfile.v0",
            Path = Path.GetRelativePath(directory, Path.Combine(projectDirectory, "Dockerfile")).Replace('\\', '/'),
            Context = Path.GetRelativePath(directory, AppHostPaths.RepositoryRoot).Replace('\\', '/'),
            Env = new Dictionary<string, string>(project.Env ?? [])
            {
                ["ASPNETCORE_HTTP_PORTS"] = ProjectContainerPort.ToString(),
                ["OTEL_SERVICE_NAME"] = name,
            },
            Bindings = (project.Bindings ?? []).ToDictionary(b => b.Key, b => b.Value with { TargetPort = b.Value.TargetPort ?? ProjectContainerPort }),
            Deployment = hints.RunsToCompletion || project.Args is { Count: > 0 }
                ? hints with { RunsToCompletion = true }
                : hints with { HealthCheck = ["CMD", "curl", "--fail", "--silent", $"http://localhost:{ProjectContainerPort}/health"] },
        };
    }
}
