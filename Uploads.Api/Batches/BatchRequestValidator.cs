using Uploads.Api.Uploads;

namespace Uploads.Api.Batches;

/// <summary>A batch's files, each checked as a single upload request is, with every problem named by the file's position.</summary>
public static class BatchRequestValidator
{
    public const int MaxFilesPerCall = 1000;

    public static (IReadOnlyList<ValidatedUpload> Files, Dictionary<string, string[]> Errors) Validate(
        string? externalId, IReadOnlyList<UploadRequest?>? files, UploadOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (externalId is not null && UploadRequestValidator.ExternalIdProblem(externalId) is { } externalIdProblem)
        {
            errors["external_id"] = [externalIdProblem];
        }

        if (files is null or { Count: 0 } or { Count: > MaxFilesPerCall })
        {
            errors["files"] = [$"files lists 1 to {MaxFilesPerCall} files."];
            return ([], errors);
        }

        var validated = new List<ValidatedUpload>(files.Count);
        for (var index = 0; index < files.Count; index++)
        {
            if (files[index] is not { } file)
            {
                errors[$"files[{index}]"] = ["Each file is an object."];
                continue;
            }

            if (file.Size is null)
            {
                errors[$"files[{index}].size"] = ["size is required in a batch: it decides between a single upload and parts."];
            }

            var validation = UploadRequestValidator.Validate(file, options);
            foreach (var (field, problems) in validation.Errors)
            {
                errors[$"files[{index}].{field}"] = problems;
            }

            if (validation.Upload is { } upload)
            {
                validated.Add(upload);
            }
        }

        return (validated, errors);
    }
}
