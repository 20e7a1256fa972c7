using System.Globalization;
using System.Text;

namespace Uploads.Domain.Derivatives;

/// <summary>What the worker made of a file: its metadata and its thumbnails (for a PDF, of its first page).</summary>
public sealed record DerivedContent(FileMetadata Metadata, IReadOnlyList<Thumbnail> Thumbnails);

/// <summary>
/// What a picture or a document says of itself. Text read from EXIF is the uploader's: <see cref="Text"/> keeps only
/// printable characters, so a camera name cannot carry control or bidi characters into a page or a log.
/// </summary>
/// <param name="Width">In pixels as stored (before orientation); for a PDF, of the first page at 72 dpi.</param>
/// <param name="Orientation">The EXIF orientation (1–8) the thumbnails were turned by; null when the file has none.</param>
/// <param name="Format">What the content was read as: jpeg, png, webp, gif, heif or pdf.</param>
/// <param name="TakenAt">The camera's clock when the picture was taken, as EXIF holds it: local time, no zone.</param>
/// <param name="Location">Where the picture was taken: the owner's tenant sees it, as it sees the original.</param>
public sealed record FileMetadata(
    int Width,
    int Height,
    int? Orientation,
    string Format,
    int? Pages,
    string? Camera,
    DateTime? TakenAt,
    GeoLocation? Location)
{
    public const int MaxTextLength = 128;

    /// <summary>Printable characters of <paramref name="value"/>, trimmed and cut to <see cref="MaxTextLength"/>; null when none are left.</summary>
    public static string? Text(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var printable = new StringBuilder(Math.Min(value.Length, MaxTextLength));
        foreach (var rune in value.EnumerateRunes())
        {
            if (printable.Length >= MaxTextLength)
            {
                break;
            }

            if (Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
            {
                printable.Append(rune.ToString());
            }
        }

        var text = printable.ToString().Trim();
        return text.Length == 0 ? null : text;
    }
}

public sealed record GeoLocation(double Latitude, double Longitude);

/// <param name="Size">The long side asked for (200 or 800); the picture is no larger than that on either side.</param>
/// <param name="Sha256">Of the thumbnail's bytes: its ETag.</param>
public sealed record Thumbnail(int Size, int Width, int Height, string ContentType, long Bytes, string Sha256);
