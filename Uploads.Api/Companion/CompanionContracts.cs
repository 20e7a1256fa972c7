using System.Text.Json;
using System.Text.Json.Serialization;
using Uploads.Domain.Files;

namespace Uploads.Api.Companion;

// The shapes Uppy Companion's S3 routes answer with (its own camelCase and PascalCase names), plus our file's id.

/// <summary>Where and how to upload one file in one request: <c>GET …/s3/params</c>.</summary>
/// <param name="Method">POST: a form with <paramref name="Fields"/>, the file last, in a field named <c>file</c>.</param>
/// <param name="Url">The storage URL to send the form to.</param>
/// <param name="Fields">The form's signed fields, sent before the file.</param>
/// <param name="Headers">None for a POST; Uppy reads the property.</param>
/// <param name="Expires">Seconds until the URL stops working.</param>
/// <param name="FileId">Our file, PENDING until storage reports the object (or a client confirms it).</param>
public sealed record CompanionUploadParameters(
    string Method, string Url, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string> Headers, long Expires, Guid FileId);

/// <summary><c>POST …/s3/multipart</c>: Uppy sends the name, the type and the file's metadata; never its size.</summary>
public sealed record CompanionMultipartRequest(string? Filename, string? Type, IReadOnlyDictionary<string, JsonElement>? Metadata);

public sealed record CompanionMultipartUpload(
    string Key, [property: JsonPropertyName("uploadId")] string UploadId, string Bucket, Guid FileId);

public sealed record CompanionPartUrl(string Url, long Expires);

public sealed record CompanionPartUrls([property: JsonPropertyName("presignedUrls")] IReadOnlyDictionary<string, string> PresignedUrls);

public sealed record CompanionPart(
    [property: JsonPropertyName("PartNumber")] int PartNumber,
    [property: JsonPropertyName("Size")] long Size,
    [property: JsonPropertyName("ETag")] string ETag);

public sealed record CompanionCompleteRequest(IReadOnlyList<CompanionCompletedPart?>? Parts);

public sealed record CompanionCompletedPart(
    [property: JsonPropertyName("PartNumber")] int? PartNumber,
    [property: JsonPropertyName("ETag")] string? ETag);

/// <param name="Location">Our file's URL: its status, then its content.</param>
/// <param name="Key">The upload's key, as the start answered it.</param>
/// <param name="FileId">Our file.</param>
/// <param name="Status">UPLOADED once confirmed (or further along, when completed again).</param>
public sealed record CompanionCompletion(string Location, string Key, Guid FileId, FileStatus? Status);
