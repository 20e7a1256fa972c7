using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Publishing;

/// <summary>Collects what each resource of the app model publishes, in model order, with the parameters they use.</summary>
public sealed class PublishContext(string outputDirectory)
{
    readonly OrderedDictionary<string, ManifestResource> resources = [];

    public string OutputDirectory { get; } = Path.GetFullPath(outputDirectory);

    public IReadOnlyDictionary<string, ManifestResource> Resources => resources;

    public void Add(string name, ManifestResource resource)
    {
        if (!resources.TryAdd(name, resource))
        {
            throw new InvalidOperationException($"Two published resources are named '{name}'.");
        }
    }

    /// <summary>The value as a manifest expression; a parameter it names is published too (once).</summary>
    public string Expression(EnvironmentValue value)
    {
        if (value is ParameterResource parameter && !resources.ContainsKey(parameter.Name))
        {
            resources.Add(parameter.Name, new ManifestResource
            {
                Type = "parameter.v0",
                Value = $"{{{parameter.Name}.inputs.value}}",
                Inputs = new() { ["value"] = new ParameterInput("string", parameter.Secret, parameter.Description) },
            });
        }

        return value.Expression;
    }

    /// <summary>Writes a file a resource mounts (a configuration) beside the manifest; returns its path relative to the manifest.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(OutputDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return relativePath.Replace('\\', '/');
    }

    /// <summary>A path of the repository as the manifest refers to it: relative to the output folder.</summary>
    public string Relative(string path) => Path.GetRelativePath(OutputDirectory, path).Replace('\\', '/');
}
