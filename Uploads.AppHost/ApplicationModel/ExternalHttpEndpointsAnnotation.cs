namespace Uploads.AppHost.ApplicationModel;

/// <summary>A deployment publishes the resource's HTTP endpoint outside its network (the API); without it, the endpoint stays inside.</summary>
public sealed record ExternalHttpEndpointsAnnotation : IResourceAnnotation;
