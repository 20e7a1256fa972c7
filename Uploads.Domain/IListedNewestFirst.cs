namespace Uploads.Domain;

/// <summary>What a tenant lists newest first, and pages through by (created_at, id): files and batches.</summary>
public interface IListedNewestFirst
{
    Guid Id { get; }
    DateTimeOffset CreatedAt { get; }
}
