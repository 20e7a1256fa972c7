namespace Uploads.AppHost.ApplicationModel;

/// <summary>An environment variable the resource is given; its value is resolved when it starts, or written as an expression when published.</summary>
public sealed record EnvironmentAnnotation(string Name, EnvironmentValue Value) : IResourceAnnotation;
