namespace Uploads.AppHost.Resources;

/// <summary>MinIO in a deployment, with the bucket created by a one-shot <c>{name}-init</c> job and left private.</summary>
public sealed class MinioContainerResource(string name, ParameterResource accessKey, ParameterResource secretKey)
    : ContainerResource(name), IResourceWithConnectionString
{
    public ParameterResource AccessKey { get; } = accessKey;
    public ParameterResource SecretKey { get; } = secretKey;
    public EndpointReference Endpoint => new(this, "http");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={Endpoint.Property(EndpointProperty.Url)};AccessKey={AccessKey};SecretKey={SecretKey}");
}
