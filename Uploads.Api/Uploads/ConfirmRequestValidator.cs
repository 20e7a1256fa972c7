namespace Uploads.Api.Uploads;

/// <param name="FileId">The file confirmed.</param>
/// <param name="FileSize">The size its client or storage reports; null where nobody claims one (a completed multipart
/// upload without a declared size), and then what storage holds is taken, within the limits.</param>
public sealed record ConfirmedUpload(Guid FileId, long? FileSize);

public static class ConfirmRequestValidator
{
    /// <summary>The files to confirm, or the errors by field when the request as a whole is invalid.</summary>
    public static (IReadOnlyList<ConfirmedUpload> Files, IReadOnlyDictionary<string, string[]> Errors) Validate(
        ConfirmUploadsRequest request, UploadOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        var files = request.Files;
        if (files is null || files.Count == 0)
        {
            errors["files"] = ["files lists at least one file."];
            return ([], errors);
        }

        if (files.Count > options.MaxFilesPerConfirmation)
        {
            errors["files"] = [$"files lists at most {options.MaxFilesPerConfirmation} files per call."];
            return ([], errors);
        }

        var confirmed = new List<ConfirmedUpload>(files.Count);
        var seen = new HashSet<Guid>();
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (file?.FileId is not { } fileId || fileId == Guid.Empty)
            {
                errors[$"files[{i}].file_id"] = ["file_id is required."];
            }
            else if (!seen.Add(fileId))
            {
                errors[$"files[{i}].file_id"] = ["file_id appears more than once in this request."];
            }

            if (file?.FileSize is not { } size || size < 0)
            {
                errors[$"files[{i}].file_size"] = ["file_size is required and cannot be negative."];
            }

            if (file is { FileId: { } id, FileSize: { } length })
            {
                confirmed.Add(new ConfirmedUpload(id, length));
            }
        }

        return errors.Count > 0 ? ([], errors) : (confirmed, errors);
    }
}
