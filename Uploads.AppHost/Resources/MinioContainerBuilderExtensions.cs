namespace Uploads.AppHost.Resources;

public static class MinioContainerBuilderExtensions
{
    public static IResourceBuilder<MinioContainerResource> AddMinio(this IDistributedApplicationBuilder builder, string name, string bucket)
    {
        var accessKey = builder.AddParameter($"{name}-access-key", secret: true).WithDescription("MinIO's root user (the services' access key).");
        var secretKey = builder.AddParameter($"{name}-secret-key", secret: true).WithDescription("MinIO's root password (the services' secret key); 8 characters or more.");
        var minio = builder.AddResource(new MinioContainerResource(name, accessKey.Resource, secretKey.Resource))
            .WithImage(ContainerImages.Minio, ContainerImages.MinioTag)
            .WithArgs("server", "/data", "--console-address", ":9001")
            .WithEnvironment("MINIO_ROOT_USER", accessKey)
            .WithEnvironment("MINIO_ROOT_PASSWORD", secretKey)
            // Browsers POST and PUT uploads here, through the public endpoint the API signs URLs for.
            .WithHttpEndpoint(targetPort: 9000, name: "http")
            .WithExternalHttpEndpoints()
            .WithHttpEndpoint(targetPort: 9001, name: "console")
            .WithVolume($"{name}-data", "/data")
            .WithAnnotation(new DeploymentHints(HealthCheck: ["CMD", "mc", "ready", "local"]));
        // Nothing sets an anonymous policy, so every read and write needs a signature (a presigned URL, or the services' keys).
        builder.AddContainer($"{name}-init", ContainerImages.MinioClient, ContainerImages.MinioClientTag)
            .WithEntrypoint("/bin/sh")
            .WithArgs("-c", $"mc mb --ignore-existing storage/{bucket} && mc event add --ignore-existing storage/{bucket} arn:minio:sqs::UPLOADS:webhook --event put")
            .WithEnvironment("MC_HOST_storage", ReferenceExpression.Create(
                $"http://{accessKey}:{secretKey}@{minio.Resource.Endpoint.Property(EndpointProperty.Host)}:{minio.Resource.Endpoint.Property(EndpointProperty.Port)}"))
            .WaitFor(minio)
            .WithAnnotation(new DeploymentHints(RunsToCompletion: true));
        return minio;
    }

    /// <summary>Lets a page served from <paramref name="origin"/> POST and PUT files straight to the bucket.</summary>
    public static IResourceBuilder<MinioContainerResource> WithBrowserOrigin(this IResourceBuilder<MinioContainerResource> minio, IResourceBuilder<ParameterResource> origin) =>
        minio.WithEnvironment("MINIO_API_CORS_ALLOW_ORIGIN", origin);

    /// <summary>MinIO's webhook target UPLOADS: every object created in the bucket is reported to <paramref name="url"/>.</summary>
    public static IResourceBuilder<MinioContainerResource> WithEventsTo(
        this IResourceBuilder<MinioContainerResource> minio, ReferenceExpression url, IResourceBuilder<ParameterResource> secret) =>
        minio.WithEnvironment("MINIO_NOTIFY_WEBHOOK_ENABLE_UPLOADS", "on")
            .WithEnvironment("MINIO_NOTIFY_WEBHOOK_ENDPOINT_UPLOADS", url)
            .WithEnvironment("MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_UPLOADS", secret);
}
