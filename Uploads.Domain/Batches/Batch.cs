namespace Uploads.Domain.Batches;

/// <summary>
/// A tenant's group of files uploaded together (a folder, a job): it owns nothing but its members, and its progress is
/// always computed from their states, so it can never disagree with them.
/// </summary>
public sealed class Batch : IListedNewestFirst
{
    public Guid Id { get; private set; }
    public string TenantId { get; private set; } = null!;

    /// <summary>The caller's own name for the batch, unique within the tenant: asking for it again continues the same batch.</summary>
    public string? ExternalId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    Batch() { }

    public static Batch Open(Guid id, string tenantId, string? externalId, DateTimeOffset now) =>
        new() { Id = id, TenantId = tenantId, ExternalId = externalId, CreatedAt = now.ToUniversalTime() };
}

/// <summary>A file of a batch. A file may belong to several batches: content already synced is deduplicated into the new one.</summary>
public sealed class BatchFile
{
    public Guid BatchId { get; private set; }
    public Guid FileId { get; private set; }
    public string TenantId { get; private set; } = null!;
    public DateTimeOffset AddedAt { get; private set; }

    BatchFile() { }

    public static BatchFile Add(Guid batchId, Guid fileId, string tenantId, DateTimeOffset now) =>
        new() { BatchId = batchId, FileId = fileId, TenantId = tenantId, AddedAt = now.ToUniversalTime() };
}
