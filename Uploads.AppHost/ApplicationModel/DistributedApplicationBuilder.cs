namespace Uploads.AppHost.ApplicationModel;

/// <summary>Collects the app model, in the manner of Aspire's <c>IDistributedApplicationBuilder</c>.</summary>
public sealed class DistributedApplicationBuilder(DistributedApplicationOptions options)
{
    readonly List<Resource> resources = [];

    public DistributedApplicationOptions Options { get; } = options;
    public IReadOnlyList<Resource> Resources => resources;

    public T AddResource<T>(T resource) where T : Resource
    {
        if (resources.Any(r => r.Name == resource.Name))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }

        resource.Builder = this;
        resources.Add(resource);
        return resource;
    }

    /// <summary>A value the deployment supplies; only meaningful in publish mode.</summary>
    public ParameterResource AddParameter(string name, string description, bool secret = false) => new(name, secret, description);
}
