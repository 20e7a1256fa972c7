namespace Uploads.AppHost.Resources;

/// <summary>
/// The images a deployment runs for the backing services, each pinned to a release (never <c>latest</c>, so that a
/// restart cannot change what runs); change a tag here and publish again.
/// </summary>
public static class ContainerImages
{
    public const string PostgresTag = "17.5";
    public const string RedisTag = "7.4.2";
    public const string RabbitMQTag = "4.1.0-management";
    public const string Minio = "minio/minio";
    public const string MinioTag = "RELEASE.2025-04-22T22-12-26Z";
    public const string MinioClient = "minio/mc";
    public const string MinioClientTag = "RELEASE.2025-04-16T18-13-26Z";

    /// <summary>The official ClamAV image: clamd, with freshclam keeping the signatures up to date.</summary>
    public const string ClamAv = "clamav/clamav";
    public const string ClamAvTag = "1.4.3";

    /// <summary>The standalone Aspire dashboard: receives OTLP on 18889 (gRPC) and 18890 (HTTP), serves 18888.</summary>
    public const string AspireDashboard = "mcr.microsoft.com/dotnet/aspire-dashboard:13.6";

    /// <summary>The unprivileged user each image runs as in Kubernetes (its own service user; MinIO and mc run as any).</summary>
    public static int UserOf(string image) => image.Split(':')[0].Split('/')[^1] switch
    {
        "postgres" or "redis" or "rabbitmq" => 999,
        "clamav" => 100,
        _ => 1000,
    };
}
