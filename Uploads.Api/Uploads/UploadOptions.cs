using System.ComponentModel.DataAnnotations;

namespace Uploads.Api.Uploads;

public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>The largest file accepted: pinned in every presigned policy and checked again at confirmation.</summary>
    [Range(1, 5L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 5L * 1024 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How single-part uploads are sent when a request does not say: <c>POST</c> (a form), or <c>PUT</c> for storage
    /// that refuses presigned POST (Cloudflare R2).
    /// </summary>
    [RegularExpression("^(POST|PUT)$")]
    public string DefaultUploadMethod { get; set; } = "POST";

    /// <summary>How long the part URLs of a multipart upload stay valid: large files take longer to send.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MultipartUploadLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The size of every part but the last (at least S3's 5 MiB); raised for files that would need over 10,000 parts.</summary>
    [Range(5L * 1024 * 1024, 5L * 1024 * 1024 * 1024)]
    public long MultipartPartBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long after its URL expired a PENDING upload may still be confirmed (an upload started in time may still be finishing).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ConfirmationGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many times a confirmation asks storage again for an object it did not show, before answering
    /// <c>OBJECT_MISSING</c>: read-after-write may lag under load or on stores that are not strongly consistent.
    /// </summary>
    [Range(0, 10)]
    public int MissingObjectRetries { get; set; } = 4;

    /// <summary>The first pause before asking again for a missing object; each next one doubles (100, 200, 400, 800 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan MissingObjectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest request body any endpoint reads. The API never receives file bytes, so this stays small.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a confirmation waits for the broker before leaving the event to the reconciler.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most writes one group of a group commit carries: upload requests (<see cref="PendingFileGroupCommit"/>), confirmed files (<see cref="FileMoveGroupCommit"/>).</summary>
    [Range(1, 1000)]
    public int GroupCommitMaxFiles { get; set; } = 100;

    /// <summary>How many group writes may be under way at once: while one commits, the next group gathers and is sent.</summary>
    [Range(1, 16)]
    public int GroupCommitWriters { get; set; } = 2;

    [Range(1, 1000)]
    public int MaxFilesPerConfirmation { get; set; } = 100;

    /// <summary>How many files of one confirmation are checked and written side by side (their writes then share commits).</summary>
    [Range(1, 64)]
    public int ConfirmationsSideBySide { get; set; } = 8;

    /// <summary>Filename extensions a file may have (<c>.csv</c>, compared without case); empty allows any.</summary>
    public string[] AllowedExtensions { get; set; } = [];

    /// <summary>
    /// Media types a file may have: exact (<c>text/csv</c>) or a whole family (<c>image/*</c>). Empty in configuration
    /// means <see cref="DefaultAllowedContentTypes"/>: the configuration binder adds configured items to an array's
    /// initial ones, so a default here could never be narrowed.
    /// </summary>
    public string[] AllowedContentTypes { get; set; } = [];

    public static readonly string[] DefaultAllowedContentTypes =
    [
        "text/*", "image/*", "audio/*", "video/*",
        "application/pdf", "application/json", "application/xml", "application/zip", "application/gzip",
        "application/x-tar", "application/x-7z-compressed", "application/octet-stream",
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    ];
}
