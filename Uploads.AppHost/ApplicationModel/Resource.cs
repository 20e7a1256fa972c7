namespace Uploads.AppHost.ApplicationModel;

/// <summary>
/// One part of the app model: what it is, where it is reached, and its annotations. Nothing here starts or publishes it:
/// orchestration runs the model, publishing describes it.
/// </summary>
public abstract class Resource(string name)
{
    readonly List<IResourceAnnotation> annotations = [];

    public string Name { get; } = name;

    /// <summary>What kind of service this is, for people: <c>postgres</c>, <c>project</c>, <c>storage (s3rver)</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Where to reach the resource when it runs locally.</summary>
    public abstract string Endpoint { get; }

    public IReadOnlyList<IResourceAnnotation> Annotations => annotations;

    public IEnumerable<Resource> WaitsFor => annotations.OfType<WaitAnnotation>().Select(wait => wait.Dependency).Distinct();

    /// <summary>The builder this resource was added to, so that it can add the resources it owns (a server its databases).</summary>
    internal DistributedApplicationBuilder? Builder { get; set; }

    public void Annotate(IResourceAnnotation annotation) => annotations.Add(annotation);
}
