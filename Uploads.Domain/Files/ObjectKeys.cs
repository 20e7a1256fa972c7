using System.Text.RegularExpressions;

namespace Uploads.Domain.Files;

/// <summary>
/// Object keys are made by the server from the tenant and the file id: a client's filename never reaches a key, and two
/// tenants' keys never meet (the tenant id was checked to be key-safe when the token was validated). A file has two:
/// the key its upload is signed for, and its own key, which no URL is ever signed for.
/// </summary>
public static partial class ObjectKeys
{
    /// <summary>The file's own object: a copy of the upload made by the worker, the only bytes hashed, scanned and served.</summary>
    public static string For(string tenantId, Guid fileId) => $"tenants/{tenantId}/files/{fileId:N}";

    /// <summary>Where the client uploads: every presigned POST, PUT and part URL names this key, and nothing reads it but the worker's copy.</summary>
    public static string UploadFor(string tenantId, Guid fileId) => $"tenants/{tenantId}/uploads/{fileId:N}";

    /// <summary>
    /// A thumbnail of the file, under the derivatives prefix of its own key: made by the worker, never signed for writing,
    /// and served only through the API.
    /// </summary>
    public static string ThumbnailFor(string tenantId, Guid fileId, int size) => $"{For(tenantId, fileId)}/derivatives/thumbnail-{size}";

    /// <summary>The tenant and file an upload key belongs to (what storage reports when an object is created); false for any other key.</summary>
    public static bool TryParseUpload(string key, out string tenantId, out Guid fileId)
    {
        var match = UploadKeyPattern().Match(key);
        tenantId = match.Success ? match.Groups["tenant"].Value : "";
        fileId = match.Success ? Guid.ParseExact(match.Groups["file"].Value, "N") : Guid.Empty;
        return match.Success;
    }

    [GeneratedRegex("^tenants/(?<tenant>[^/]+)/uploads/(?<file>[0-9a-f]{32})$")]
    private static partial Regex UploadKeyPattern();
}
