namespace Uploads.Worker.Derivatives;

/// <summary>Machine-readable reasons stored with FAILED derivatives; the detail follows the code.</summary>
public static class DerivativesFailureReasons
{
    /// <summary>The header declares more pixels than <see cref="DerivativesOptions.MaxPixels"/>: a decompression bomb is refused undecoded.</summary>
    public const string TooManyPixels = "TOO_MANY_PIXELS";

    public const string SourceTooLarge = "SOURCE_TOO_LARGE";

    /// <summary>libvips could not decode it: truncated, malformed, or not what its header says.</summary>
    public const string Unreadable = "UNREADABLE_CONTENT";

    /// <summary>A format the worker does not open (every libvips loader but JPEG, PNG, WebP, GIF, HEIF and PDF is blocked).</summary>
    public const string UnsupportedFormat = "UNSUPPORTED_FORMAT";

    public const string TimeLimit = "TIME_LIMIT";

    public const string ObjectMissing = "OBJECT_MISSING";

    /// <summary>Every attempt was claimed and none finished: the workers died or met faults each time.</summary>
    public const string AttemptsSpent = "ATTEMPTS_SPENT";
}
