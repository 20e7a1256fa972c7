using System.ComponentModel.DataAnnotations;

namespace Uploads.Infrastructure.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Aspire's resource name; the connection string is <c>ConnectionStrings__storage</c>.</summary>
    public const string ConnectionName = "storage";

    [Required, RegularExpression("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    public string Bucket { get; set; } = "uploads";

    /// <summary>
    /// Where browsers reach the storage, when that differs from where the services do (a public host
    /// name in front of MinIO, say). Presigned POST signatures do not cover the host, so only the URL handed out changes.
    /// </summary>
    public Uri? PublicEndpoint { get; set; }

    /// <summary>
    /// How many times the storage client retries a failed request itself (with backoff) before the caller sees the
    /// error; unset, the AWS SDK's default. The worker's own retries and redeliveries come on top of these.
    /// </summary>
    [Range(0, 10)]
    public int? MaxErrorRetry { get; set; }
}
