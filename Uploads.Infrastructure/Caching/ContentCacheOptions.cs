using System.ComponentModel.DataAnnotations;

namespace Uploads.Infrastructure.Caching;

public sealed class ContentCacheOptions
{
    public const string Section = "ContentCache";

    /// <summary>Aspire's resource name; the connection string is <c>ConnectionStrings__cache</c>.</summary>
    public const string ConnectionName = "cache";

    /// <summary>Files larger than this are not cached; their reads go to storage.</summary>
    [Range(0, 512L * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 16 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(24);
}
