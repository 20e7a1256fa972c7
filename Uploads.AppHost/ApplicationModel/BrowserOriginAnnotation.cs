namespace Uploads.AppHost.ApplicationModel;

/// <summary>Pages served from <paramref name="Origin"/> may send uploads straight to the storage (its CORS rule).</summary>
public sealed record BrowserOriginAnnotation(EnvironmentValue Origin) : IResourceAnnotation;
