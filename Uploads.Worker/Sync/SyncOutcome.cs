namespace Uploads.Worker.Sync;

/// <summary>
/// What reading a file's object gave: its digest and storage's ETag of the bytes read, or the permanent reason it cannot
/// sync; and the bytes hashed.
/// </summary>
public sealed record SyncOutcome(string? Sha256, string? FailureReason, long BytesHashed, string? StoredETag = null)
{
    public static SyncOutcome Synced(string sha256, long bytesHashed, string storedETag) => new(sha256, null, bytesHashed, storedETag);
    public static SyncOutcome Failed(string reason, long bytesHashed = 0) => new(null, reason, bytesHashed);

    public string Name => Sha256 is null ? "failed" : "synced";
}
