using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Uploads.Api.Uploads;

/// <summary>Resolves a file's media type and checks it against the configured allow-list.</summary>
public sealed class ContentTypes(IEnumerable<string> allowed)
{
    const string Fallback = "application/octet-stream";

    /// <summary>The longest media type stored (the column's length), parameters included.</summary>
    public const int MaxLength = 255;
    static readonly FileExtensionContentTypeProvider ByExtension = WithRegisteredNames(new FileExtensionContentTypeProvider());
    readonly string[] allowed = [.. allowed.Select(a => a.Trim().ToLowerInvariant())];

    /// <summary>A well-formed, concrete media type such as <c>text/csv</c> or <c>text/plain; charset=utf-8</c>.</summary>
    public static bool TryNormalize(string value, out string normalized)
    {
        normalized = "";
        if (value.Length > MaxLength || !ClientText.IsSafe(value) || !MediaTypeHeaderValue.TryParse(value, out var parsed)
            || parsed.MatchesAllTypes || parsed.MatchesAllSubTypes || parsed.Type.Length == 0 || parsed.SubType.Length == 0
            || parsed.Parameters.Any(parameter => parameter.Value.Length == 0))
        {
            return false;
        }

        normalized = parsed.ToString().ToLowerInvariant();
        return normalized.Length <= MaxLength;
    }

    /// <summary>
    /// ASP.NET Core's table names zip and gzip by their old, unregistered types (<c>application/x-zip-compressed</c>,
    /// <c>application/x-gzip</c>); a <c>.zip</c> file is named by its registered type, the one the allow-list holds.
    /// </summary>
    static FileExtensionContentTypeProvider WithRegisteredNames(FileExtensionContentTypeProvider provider)
    {
        provider.Mappings[".zip"] = "application/zip";
        provider.Mappings[".gz"] = "application/gzip";
        return provider;
    }

    public static string FromFilename(string filename) =>
        ByExtension.TryGetContentType(filename, out var type) ? type : Fallback;

    public bool IsAllowed(string contentType)
    {
        var mediaType = MediaTypeHeaderValue.Parse(contentType).MediaType.Value!.ToLowerInvariant();
        var family = mediaType[..(mediaType.IndexOf('/') + 1)] + "*";
        return allowed.Any(a => a == "*/*" || a == mediaType || a == family);
    }
}
