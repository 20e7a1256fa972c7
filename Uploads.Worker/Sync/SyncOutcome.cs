namespace Uploads.Worker.Sync;

/// <summary>What reading a file's object gave: its digest, or the permanent reason it cannot sync.</summary>
public sealed record SyncOutcome(string? Sha256, string? FailureReason)
{
    public static SyncOutcome Synced(string sha256) => new(sha256, null);
    public static SyncOutcome Failed(string reason) => new(null, reason);
}
