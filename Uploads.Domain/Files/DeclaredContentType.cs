namespace Uploads.Domain.Files;

/// <summary>
/// Whether what a file holds contradicts the type it was declared as. Checked where a wrong type harms whoever opens
/// the file: an image must be an image, a PDF a PDF. Other declared types (text, archives, octet streams) are not judged.
/// </summary>
public static class DeclaredContentType
{
    /// <param name="declared">The media type the upload was declared as (parameters allowed).</param>
    /// <param name="sniffed">The media type the content's own bytes show.</param>
    public static bool IsContradictedBy(string declared, string sniffed)
    {
        var declaredType = MediaType(declared);
        var sniffedType = MediaType(sniffed);
        return declaredType switch
        {
            _ when declaredType.StartsWith("image/", StringComparison.Ordinal) => !sniffedType.StartsWith("image/", StringComparison.Ordinal),
            "application/pdf" => sniffedType != "application/pdf",
            _ => false,
        };
    }

    static string MediaType(string contentType) => contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
}
