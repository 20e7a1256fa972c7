using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Uploads.Infrastructure.Storage;

public static class ObjectStorageExtensions
{
    public static IHostApplicationBuilder AddObjectStorage(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(StorageOptions.ConnectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{StorageOptions.ConnectionName}' is missing (ConnectionStrings__{StorageOptions.ConnectionName}).");
        var connection = StorageConnection.Parse(connectionString);

        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<IAmazonS3>(services =>
            Client(connection, connection.Endpoint, services.GetRequiredService<IOptions<StorageOptions>>().Value));
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<StorageOptions>>();
            var s3 = services.GetRequiredService<IAmazonS3>();
            // Signing is local (an HMAC): this client never opens a connection, so the public endpoint need not be reachable from here.
            var presigner = options.Value.PublicEndpoint is { } publicEndpoint ? Client(connection, publicEndpoint, options.Value) : s3;
            return new ObjectStorage(s3, presigner, options);
        });
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return builder;
    }

    static AmazonS3Client Client(StorageConnection connection, Uri endpoint, StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint.ToString(),
            AuthenticationRegion = connection.Region,
            // Path-style addressing and checksums only where S3 requires them: what MinIO and s3rver both speak.
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.MaxErrorRetry is { } retries)
        {
            config.MaxErrorRetry = retries;
        }

        return new AmazonS3Client(new BasicAWSCredentials(connection.AccessKey, connection.SecretKey), config);
    }
}

sealed class StorageHealthCheck(ObjectStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await storage.EnsureBucketReachableAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
