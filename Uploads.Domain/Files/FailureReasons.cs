namespace Uploads.Domain.Files;

/// <summary>Machine-readable reasons stored with a <see cref="FileStatus.Failed"/> or <see cref="FileStatus.Expired"/> transition.</summary>
public static class FailureReasons
{
    public const string HashMismatch = "HASH_MISMATCH";
    public const string ObjectMissing = "OBJECT_MISSING";
    public const string SizeChanged = "SIZE_CHANGED";
    public const string UploadWindowClosed = "UPLOAD_WINDOW_CLOSED";

    /// <summary>The client cancelled the upload before completing it; what it had stored is discarded.</summary>
    public const string Cancelled = "CANCELLED";

    /// <summary>ClamAV found a signature; the detail names it. The object is deleted and never served.</summary>
    public const string MalwareDetected = "MALWARE_DETECTED";

    /// <summary>The content is not of the type it was declared as (an executable named <c>.png</c>); the detail names both.</summary>
    public const string ContentTypeMismatch = "CONTENT_TYPE_MISMATCH";

    /// <summary>The content is of a type a browser runs script in (SVG, HTML, XML), which the tenant's policy does not allow.</summary>
    public const string ActiveContent = "ACTIVE_CONTENT";

    /// <summary>Larger than the scanner's stream limit: refused rather than passed unscanned.</summary>
    public const string TooLargeToScan = "TOO_LARGE_TO_SCAN";

    /// <summary>Every delivery of the sync failed on a fault that retries did not cure; the detail follows the code.</summary>
    public const string SyncFailed = "SYNC_FAILED";
}
