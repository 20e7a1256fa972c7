namespace Uploads.AppHost.Resources;

/// <summary>
/// A database of a <see cref="LocalPostgresResource"/>, created once the server is ready. Aspire carries a parent's
/// state to its children only for containers, so the database says itself when it runs.
/// </summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;
    public LocalPostgresResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
