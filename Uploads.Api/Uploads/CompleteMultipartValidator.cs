namespace Uploads.Api.Uploads;

public static class CompleteMultipartValidator
{
    /// <summary>Longer than any ETag S3 or MinIO answers (a quoted MD5, with a part count for a multipart object).</summary>
    public const int MaxETagLength = 128;

    /// <summary>
    /// The parts, numbered 1… ascending without gaps or repeats, each with its ETag, and the digest if one is given; or the
    /// errors by field.
    /// </summary>
    public static (IReadOnlyList<(int Number, string ETag)> Parts, string? Sha256, IReadOnlyDictionary<string, string[]> Errors) Validate(
        CompleteMultipartRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var sha256 = request.Sha256?.ToLowerInvariant();
        if (sha256 is not null && !UploadRequestValidator.IsSha256(sha256))
        {
            errors["sha256"] = ["sha256 is the hex SHA-256 digest of the content: 64 characters 0-9, a-f."];
        }

        if (request.Parts is not { Count: > 0 and <= MultipartUploads.MaxParts } listed)
        {
            errors["parts"] = [$"parts lists 1–{MultipartUploads.MaxParts} parts."];
            return ([], sha256, errors);
        }

        var parts = new List<(int, string)>(listed.Count);
        for (var i = 0; i < listed.Count; i++)
        {
            if (listed[i] is not { PartNumber: { } number, ETag: { } etag } || number != i + 1 || !IsETag(etag))
            {
                errors[$"parts[{i}]"] = [$"parts[{i}] is part number {i + 1} with the ETag its upload answered."];
                continue;
            }

            parts.Add((number, etag));
        }

        return errors.Count > 0 ? ([], sha256, errors) : (parts, sha256, errors);
    }

    /// <summary>An ETag as storage answers one: visible ASCII (quotes included), bounded; nothing that could break a header or XML.</summary>
    public static bool IsETag(string etag) =>
        etag.Length is > 0 and <= MaxETagLength && etag.All(c => c is > ' ' and < (char)0x7F and not '<' and not '>' and not '&');
}
