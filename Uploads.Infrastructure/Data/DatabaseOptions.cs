namespace Uploads.Infrastructure.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>
    /// Whether a service applies pending migrations when it starts. A deployment that migrates in a job of its own
    /// (the Helm chart's pre-upgrade hook runs <c>migrate</c>) turns this off, so replicas never race to change the schema.
    /// </summary>
    public bool MigrateOnStartup { get; set; } = true;
}
