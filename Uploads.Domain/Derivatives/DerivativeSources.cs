namespace Uploads.Domain.Derivatives;

/// <summary>Which files get derivatives, and the thumbnails each gets: said once, here.</summary>
public static class DerivativeSources
{
    /// <summary>The long sides of the thumbnails, in pixels.</summary>
    public static readonly IReadOnlyList<int> ThumbnailSizes = [200, 800];

    static readonly HashSet<string> MediaTypes =
    [
        "image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif", "application/pdf",
    ];

    /// <summary>Whether a file declared as <paramref name="contentType"/> gets thumbnails and metadata (the sync checked the content is of that kind).</summary>
    public static bool Accepts(string contentType) => MediaTypes.Contains(contentType.Split(';', 2)[0].Trim().ToLowerInvariant());

    public static bool IsThumbnailSize(int size) => ThumbnailSizes.Contains(size);
}
