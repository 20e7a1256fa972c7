namespace Uploads.AppHost.ApplicationModel;

/// <summary>A ClamAV signature file the scanner loads locally.</summary>
public sealed record SignatureFileAnnotation(string Path) : IResourceAnnotation;
