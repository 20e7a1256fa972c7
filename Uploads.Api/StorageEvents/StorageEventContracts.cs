using System.Text.Json.Serialization;

namespace Uploads.Api.StorageEvents;

/// <summary>An S3 event notification, as S3, MinIO's webhook and s3rver send it; only what confirming an upload needs.</summary>
public sealed record StorageEventNotification([property: JsonPropertyName("Records")] IReadOnlyList<StorageEventRecord?>? Records);

/// <param name="EventName"><c>ObjectCreated:Put</c>, <c>s3:ObjectCreated:Post</c>, …: only created objects are read.</param>
/// <param name="S3">The bucket and the object.</param>
public sealed record StorageEventRecord(
    [property: JsonPropertyName("eventName")] string? EventName,
    [property: JsonPropertyName("s3")] StorageEventEntity? S3);

public sealed record StorageEventEntity(
    [property: JsonPropertyName("bucket")] StorageEventBucket? Bucket,
    [property: JsonPropertyName("object")] StorageEventObject? Object);

public sealed record StorageEventBucket([property: JsonPropertyName("name")] string? Name);

/// <param name="Key">URL-encoded by S3 and MinIO, as is by s3rver.</param>
/// <param name="Size">The object's bytes: what the confirmation checks against the declared size.</param>
public sealed record StorageEventObject(
    [property: JsonPropertyName("key")] string? Key,
    [property: JsonPropertyName("size")] long? Size);

/// <summary>What the API made of a notification.</summary>
/// <param name="Confirmed">Uploads confirmed (or found confirmed already).</param>
/// <param name="Rejected">Uploads whose confirmation failed: another size than declared, expired, unknown file.</param>
/// <param name="Ignored">Records that were not the creation of an upload in our bucket.</param>
/// <param name="TraceId">The request's trace.</param>
public sealed record StorageEventsResponse(int Confirmed, int Rejected, int Ignored, string TraceId);
