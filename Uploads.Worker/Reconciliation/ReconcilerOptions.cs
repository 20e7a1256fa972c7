using System.ComponentModel.DataAnnotations;

namespace Uploads.Worker.Reconciliation;

public sealed class ReconcilerOptions
{
    public const string Section = "Reconciler";

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a file may wait for its sync (UPLOADED, or SYNCING past its lease) before its event is published again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RepublishAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after its upload URL expired a PENDING file becomes EXPIRED; matches the API's confirmation grace.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Files repaired per kind and pass; the next pass takes the rest.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;
}
