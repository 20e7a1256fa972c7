namespace Uploads.AppHost.ApplicationModel;

/// <summary>Something said of a resource beyond its type: what it waits for, what it is given, who may reach it (Aspire's annotations).</summary>
public interface IResourceAnnotation;
