namespace Uploads.Worker.Sync;

/// <summary>What reading a file's object gave: its digest, or the permanent reason it cannot sync; and the bytes hashed.</summary>
public sealed record SyncOutcome(string? Sha256, string? FailureReason, long BytesHashed)
{
    public static SyncOutcome Synced(string sha256, long bytesHashed) => new(sha256, null, bytesHashed);
    public static SyncOutcome Failed(string reason, long bytesHashed = 0) => new(null, reason, bytesHashed);

    public string Name => Sha256 is null ? "failed" : "synced";
}
