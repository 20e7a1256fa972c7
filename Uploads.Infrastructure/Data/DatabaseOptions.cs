using System.ComponentModel.DataAnnotations;

namespace Uploads.Infrastructure.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>
    /// Whether a service applies pending migrations when it starts. A deployment that migrates in a job of its own
    /// (the Helm chart's pre-upgrade hook runs <c>migrate</c>) turns this off, so replicas never race to change the schema.
    /// </summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// How often a command that met a transient failure (a dropped connection, a restart) is retried, with growing
    /// pauses up to <see cref="MaxRetryDelay"/>, before the caller sees it (the API then answers 503). EF Core's defaults.
    /// </summary>
    [Range(0, 20)]
    public int MaxRetryCount { get; set; } = 6;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
