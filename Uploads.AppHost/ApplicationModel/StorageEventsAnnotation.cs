namespace Uploads.AppHost.ApplicationModel;

/// <summary>
/// The storage reports each object it creates to <paramref name="Target"/>'s <paramref name="Path"/>, with
/// <paramref name="Secret"/> as its bearer token (MinIO's webhook; s3rver through our <c>server.js</c>).
/// </summary>
/// <param name="LocalUrl">Where the local storage server sends instead of the target itself (a test's fault proxy).</param>
public sealed record StorageEventsAnnotation(ProjectResource Target, string Path, EnvironmentValue Secret, string? LocalUrl = null) : IResourceAnnotation
{
    public string Url => LocalUrl ?? Target.Url + Path;
}
