namespace Uploads.Domain.Files;

/// <summary>The life of a file; <see cref="FileStateMachine"/> says which moves are allowed.</summary>
public enum FileStatus
{
    Pending,
    Uploaded,
    Syncing,
    Synced,
    Failed,
    Expired,
}
