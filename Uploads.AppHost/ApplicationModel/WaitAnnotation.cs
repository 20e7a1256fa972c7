namespace Uploads.AppHost.ApplicationModel;

/// <summary>The resource starts only once <paramref name="Dependency"/> runs, and stops before it.</summary>
public sealed record WaitAnnotation(Resource Dependency) : IResourceAnnotation;
