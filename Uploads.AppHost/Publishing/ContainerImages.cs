namespace Uploads.AppHost.Publishing;

/// <summary>The images a deployment runs for the backing services; change a tag here and republish.</summary>
public static class ContainerImages
{
    public const string Postgres = "postgres:17";
    public const string Minio = "minio/minio:latest";
    public const string MinioClient = "minio/mc:latest";
    public const string Redis = "redis:7";
    public const string RabbitMQ = "rabbitmq:4-management";

    /// <summary>The official ClamAV image: clamd, with freshclam keeping the signatures up to date.</summary>
    public const string ClamAv = "clamav/clamav:1.4.3";

    /// <summary>The standalone Aspire dashboard: receives OTLP on 18889 (gRPC) and 18890 (HTTP), serves 18888.</summary>
    public const string AspireDashboard = "mcr.microsoft.com/dotnet/aspire-dashboard:9.5";
}
