using System.ComponentModel.DataAnnotations;

namespace Uploads.Worker.Derivatives;

public sealed class DerivativesOptions
{
    public const string Section = "Derivatives";

    /// <summary>
    /// How long a claim on a file's derivatives lasts before another worker may take them over. Longer than
    /// <see cref="TimeLimit"/> plus the download, so a live worker is never overtaken; not renewed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Claims of the step before the derivatives are FAILED (a picture that kills its worker each time ends here).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Retries in place of a delivery that met a fault that may pass (storage, database).</summary>
    [Range(0, 20)]
    public int RetriesInPlace { get; set; } = 3;

    /// <summary>Files larger than this get no derivatives (FAILED, with the reason): they are read whole to a temporary file.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxSourceBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The most pixels a picture (or a PDF's first page, at 72 dpi) may declare: read from the header before anything is
    /// decoded, so a decompression bomb of a few KB claiming 50,000 × 50,000 costs nothing.
    /// </summary>
    [Range(1, 1_000_000_000)]
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>How long libvips may work on one file's thumbnails before it is stopped and the derivatives are FAILED.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan TimeLimit { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The thumbnails' format: jpeg or webp.</summary>
    [RegularExpression("^(jpeg|webp)$")]
    public string Format { get; set; } = "jpeg";

    [Range(1, 100)]
    public int Quality { get; set; } = 80;

    /// <summary>Files a worker makes derivatives of at once; each holds one decoded region per libvips thread, not the picture.</summary>
    [Range(1, 64)]
    public int ConcurrentMessageLimit { get; set; } = 2;
}
