namespace Uploads.Api.Problems;

/// <summary>The stable, machine-readable <c>code</c> of every problem the API answers with.</summary>
public static class ProblemCodes
{
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string FileTooLarge = "FILE_TOO_LARGE";
    public const string UnsupportedContentType = "UNSUPPORTED_CONTENT_TYPE";
    public const string FileNotFound = "FILE_NOT_FOUND";
    public const string BatchNotFound = "BATCH_NOT_FOUND";
    public const string WebhookNotFound = "WEBHOOK_NOT_FOUND";
    public const string TooManyWebhooks = "TOO_MANY_WEBHOOKS";
    public const string FileNotSynced = "FILE_NOT_SYNCED";
    public const string ThumbnailNotFound = "THUMBNAIL_NOT_FOUND";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string RequestTooLarge = "REQUEST_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RateLimited = "RATE_LIMITED";
    public const string TooManyStreams = "TOO_MANY_STREAMS";
    public const string DigestConflict = "DIGEST_CONFLICT";
    public const string InvalidParts = "INVALID_PARTS";
    public const string NotPending = "NOT_PENDING";
    public const string DigestMismatch = "DIGEST_MISMATCH";
    public const string UploadWithoutSize = "UPLOAD_WITHOUT_SIZE";
    public const string StoredContentChanged = "STORED_CONTENT_CHANGED";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string InternalError = "INTERNAL_ERROR";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";

    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => InvalidRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => RequestTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        _ when status >= 500 => InternalError,
        _ => $"HTTP_{status}",
    };
}
