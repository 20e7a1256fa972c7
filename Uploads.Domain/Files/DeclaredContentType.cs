namespace Uploads.Domain.Files;

/// <summary>
/// What a file's own bytes say of the type it was declared as. Judged where a wrong type harms whoever opens the file:
/// a declared image must be that very image format, a PDF a PDF; other declared types (text, archives, octet streams)
/// are not judged by format. Active content — what a browser runs script in when it opens it — is named apart, whatever
/// was declared: it is refused unless the tenant's policy allows it.
/// </summary>
public static class DeclaredContentType
{
    /// <summary>Names libmagic or clients use for the same format, mapped to one.</summary>
    static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["image/jpg"] = "image/jpeg",
        ["image/pjpeg"] = "image/jpeg",
        ["image/x-png"] = "image/png",
        ["image/x-ms-bmp"] = "image/bmp",
        ["image/x-bmp"] = "image/bmp",
        ["image/x-icon"] = "image/vnd.microsoft.icon",
        ["image/heif"] = "image/heic",
        ["image/heic-sequence"] = "image/heic",
        ["image/heif-sequence"] = "image/heic",
    };

    static readonly HashSet<string> Active = new(StringComparer.Ordinal)
    {
        "image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", "application/xml",
        "text/javascript", "application/javascript", "application/x-javascript", "application/ecmascript",
    };

    /// <param name="declared">The media type the upload was declared as (parameters allowed).</param>
    /// <param name="sniffed">The media type the content's own bytes show.</param>
    public static bool IsContradictedBy(string declared, string sniffed)
    {
        var declaredType = MediaType(declared);
        var sniffedType = MediaType(sniffed);
        return declaredType switch
        {
            _ when declaredType.StartsWith("image/", StringComparison.Ordinal) => sniffedType != declaredType,
            "application/pdf" => sniffedType != "application/pdf",
            _ => false,
        };
    }

    /// <summary>Whether a browser that opens content of this type runs script in it (SVG, HTML, XHTML, XML, JavaScript).</summary>
    public static bool IsActive(string sniffed) => Active.Contains(MediaType(sniffed));

    static string MediaType(string contentType)
    {
        var type = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        return Aliases.GetValueOrDefault(type, type);
    }
}
