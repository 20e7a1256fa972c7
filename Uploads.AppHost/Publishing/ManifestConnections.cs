namespace Uploads.AppHost.Publishing;

/// <summary>
/// Who connects to whom, read from the manifest: a resource connects to every container its environment, arguments or
/// connection strings name (a database stands for its server). The compose file's networks and the chart's
/// NetworkPolicies let exactly these connections through to the backing services, and no other.
/// </summary>
public static class ManifestConnections
{
    /// <summary>For each long-running backing container, the resources that connect to it.</summary>
    public static IReadOnlyDictionary<string, SortedSet<string>> ClientsOf(IReadOnlyDictionary<string, ManifestResource> resources)
    {
        var clients = resources
            .Where(r => r.Value is { Type: "container.v0", Deployment.RunsToCompletion: false })
            .ToDictionary(r => r.Key, _ => new SortedSet<string>(StringComparer.Ordinal));
        foreach (var (name, resource) in resources.Where(r => r.Value.Type is "container.v0" or "dockerfile.v0"))
        {
            foreach (var text in (resource.Env ?? []).Values.Concat(resource.Args ?? []))
            {
                foreach (var target in ContainersBehind(text, resources))
                {
                    if (target != name && clients.TryGetValue(target, out var set))
                    {
                        set.Add(name);
                    }
                }
            }
        }

        return clients;
    }

    /// <summary>The container resources behind a value: <c>{uploads.connectionString}</c> → <c>postgres</c>.</summary>
    public static IEnumerable<string> ContainersBehind(string text, IReadOnlyDictionary<string, ManifestResource> resources) =>
        ManifestExpressions.References(text).SelectMany(reference => resources[reference.Resource] switch
        {
            { Type: "container.v0" } => [reference.Resource],
            { ConnectionString: { } connectionString } => ContainersBehind(connectionString, resources),
            _ => [],
        }).Distinct();
}
