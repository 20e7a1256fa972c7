using System.ComponentModel.DataAnnotations;

namespace Uploads.Worker.Sync;

public sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>How long a claim on a SYNCING file lasts before another worker may take the file over.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Bytes read from storage at a time: the worker's memory per file does not grow beyond this.</summary>
    [Range(4096, 16 * 1024 * 1024)]
    public int ReadBufferBytes { get; set; } = 1024 * 1024;

    [Range(1, 256)]
    public int ConcurrentMessageLimit { get; set; } = 8;
}
