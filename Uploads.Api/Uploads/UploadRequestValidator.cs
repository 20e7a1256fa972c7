using System.Text.RegularExpressions;

namespace Uploads.Api.Uploads;

/// <summary>What is left of an <see cref="UploadRequest"/> once it passed validation: every field checked and normalised.</summary>
public sealed record ValidatedUpload(string Filename, string? ExternalId, string ContentType, long? Size, string? Sha256, UploadMethod Method = UploadMethod.Post);

/// <summary>How the client sends a single-part upload to storage.</summary>
public enum UploadMethod
{
    Post,
    Put,
}

public enum UploadRejection
{
    None,
    Invalid,
    TooLarge,
    UnsupportedContentType,
}

public sealed record UploadValidation(UploadRejection Rejection, ValidatedUpload? Upload, IReadOnlyDictionary<string, string[]> Errors)
{
    public static UploadValidation Accepted(ValidatedUpload upload) => new(UploadRejection.None, upload, new Dictionary<string, string[]>());
}

public static partial class UploadRequestValidator
{
    public const int MaxFilenameLength = 255;
    public const int MaxExternalIdLength = 128;

    public static UploadValidation Validate(UploadRequest request, UploadOptions options)
    {
        var errors = new Dictionary<string, string[]>();

        var filename = request.Filename;
        if (FilenameProblem(filename) is { } filenameProblem)
        {
            errors["filename"] = [filenameProblem];
        }

        var externalId = request.ExternalId;
        if (externalId is not null && ExternalIdProblem(externalId) is { } externalIdProblem)
        {
            errors["external_id"] = [externalIdProblem];
        }

        if (request.Size is < 0)
        {
            errors["size"] = ["size cannot be negative."];
        }

        var sha256 = request.Sha256?.ToLowerInvariant();
        if (sha256 is not null && !IsSha256(sha256))
        {
            errors["sha256"] = ["sha256 is the hex SHA-256 digest of the content: 64 characters 0-9, a-f."];
        }

        var method = UploadMethodOf(request.Method ?? options.DefaultUploadMethod);
        if (method is null)
        {
            errors["method"] = ["method is POST (a form upload) or PUT (the file as the body)."];
        }
        else if (method == UploadMethod.Put && request.Size is null)
        {
            errors["size"] = ["size is required for a PUT upload: its exact length is signed."];
        }

        var contentType = "";
        if (request.ContentType is not null && !ContentTypes.TryNormalize(request.ContentType, out contentType))
        {
            errors["content_type"] = ["content_type is a concrete media type such as text/csv."];
        }

        if (errors.Count > 0)
        {
            return new UploadValidation(UploadRejection.Invalid, null, errors);
        }

        if (request.Size > options.MaxFileBytes)
        {
            return new UploadValidation(UploadRejection.TooLarge, null, new Dictionary<string, string[]>
            {
                ["size"] = [$"size is over the maximum of {options.MaxFileBytes} bytes."],
            });
        }

        if (options.AllowedExtensions.Length > 0
            && !options.AllowedExtensions.Contains(Path.GetExtension(filename!), StringComparer.OrdinalIgnoreCase))
        {
            return new UploadValidation(UploadRejection.UnsupportedContentType, null, new Dictionary<string, string[]>
            {
                ["content_type"] = [$"Files named *{Path.GetExtension(filename!)} are not allowed; allowed: {string.Join(", ", options.AllowedExtensions)}."],
            });
        }

        contentType = request.ContentType is null ? ContentTypes.FromFilename(filename!) : contentType;
        if (!new ContentTypes(options.AllowedContentTypes).IsAllowed(contentType))
        {
            return new UploadValidation(UploadRejection.UnsupportedContentType, null, new Dictionary<string, string[]>
            {
                ["content_type"] = [$"{contentType} is not an allowed content type."],
            });
        }

        return UploadValidation.Accepted(new ValidatedUpload(filename!, externalId, contentType, request.Size, sha256, method!.Value));
    }

    static UploadMethod? UploadMethodOf(string method) => method switch
    {
        "POST" => UploadMethod.Post,
        "PUT" => UploadMethod.Put,
        _ => null,
    };

    static string? FilenameProblem(string? filename) => filename switch
    {
        null => "filename is required.",
        { Length: 0 or > MaxFilenameLength } => $"filename has 1–{MaxFilenameLength} characters.",
        _ when string.IsNullOrWhiteSpace(filename) => "filename cannot be blank.",
        _ when filename.IndexOfAny(['/', '\\']) >= 0 => "filename cannot contain a path separator.",
        _ when !ClientText.IsSafe(filename) => "filename cannot contain control characters, invisible formatting characters (bidi controls, zero-width) or broken Unicode.",
        "." or ".." => "filename cannot be . or ..",
        _ => null,
    };

    /// <summary>Why an external id (in a request, or a listing's filter) is refused; null when it is fine.</summary>
    public static string? ExternalIdProblem(string externalId) =>
        externalId.Length is 0 or > MaxExternalIdLength || !ClientText.IsSafe(externalId)
            ? $"external_id has 1–{MaxExternalIdLength} characters and no control or invisible formatting characters."
            : null;

    /// <summary>Whether <paramref name="sha256"/> is a digest as the API takes it: 64 lowercase hex characters.</summary>
    public static bool IsSha256(string sha256) => Sha256Pattern().IsMatch(sha256);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
