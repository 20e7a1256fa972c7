namespace Uploads.Domain.Files;

/// <summary>Machine-readable reasons stored with a <see cref="FileStatus.Failed"/> or <see cref="FileStatus.Expired"/> transition.</summary>
public static class FailureReasons
{
    public const string HashMismatch = "HASH_MISMATCH";
    public const string ObjectMissing = "OBJECT_MISSING";
    public const string SizeChanged = "SIZE_CHANGED";
    public const string UploadWindowClosed = "UPLOAD_WINDOW_CLOSED";

    /// <summary>Every delivery of the sync failed on a fault that retries did not cure; the detail follows the code.</summary>
    public const string SyncFailed = "SYNC_FAILED";
}
