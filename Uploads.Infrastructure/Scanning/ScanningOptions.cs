using System.ComponentModel.DataAnnotations;

namespace Uploads.Infrastructure.Scanning;

public sealed class ScanningOptions
{
    public const string Section = "Scanning";

    /// <summary>Aspire's resource name; the connection string is <c>ConnectionStrings__scanner</c>, clamd's <c>tcp://host:port</c>.</summary>
    public const string ConnectionName = "scanner";

    /// <summary>
    /// The longest stream clamd is configured to scan (its <c>StreamMaxLength</c>). A larger file is never passed unscanned:
    /// it ends FAILED with <c>TOO_LARGE_TO_SCAN</c>.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxStreamBytes { get; set; } = 2047L * 1024 * 1024;

    /// <summary>How long clamd may take to answer once the whole stream was sent.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VerdictTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
