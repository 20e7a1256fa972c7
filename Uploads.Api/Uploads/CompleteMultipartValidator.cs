namespace Uploads.Api.Uploads;

public static class CompleteMultipartValidator
{
    /// <summary>The parts, numbered 1… ascending without gaps or repeats, each with its ETag; or the errors by field.</summary>
    public static (IReadOnlyList<(int Number, string ETag)> Parts, IReadOnlyDictionary<string, string[]> Errors) Validate(CompleteMultipartRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Parts is not { Count: > 0 and <= MultipartUploads.MaxParts } listed)
        {
            errors["parts"] = [$"parts lists 1–{MultipartUploads.MaxParts} parts."];
            return ([], errors);
        }

        var parts = new List<(int, string)>(listed.Count);
        for (var i = 0; i < listed.Count; i++)
        {
            if (listed[i] is not { PartNumber: { } number, ETag: { Length: > 0 } etag } || number != i + 1)
            {
                errors[$"parts[{i}]"] = [$"parts[{i}] is part number {i + 1} with the ETag its upload answered."];
                continue;
            }

            parts.Add((number, etag));
        }

        return errors.Count > 0 ? ([], errors) : (parts, errors);
    }
}
