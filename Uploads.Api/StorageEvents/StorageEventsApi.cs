using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Api.Security;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Storage;
using Uploads.Infrastructure.Telemetry;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.StorageEvents;

/// <summary>
/// Confirmation by storage: when the bucket reports a created upload object, the API confirms its file as
/// <c>confirm-uploads</c> would, so a client that never confirms (Uppy's single-part flow) still gets its file synced.
/// Both confirmations go through <see cref="UploadConfirmations"/> and are idempotent with each other.
/// </summary>
public static class StorageEventsApi
{
    public const string Path = "/storage/events";

    public static IEndpointRouteBuilder MapStorageEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitingExtensions.StorageEvents)
            .Accepts<StorageEventNotification>("application/json")
            .WithTags("Storage")
            .WithName("ReceiveStorageEvents")
            .WithSummary("Object events from storage (S3 event notifications)")
            .WithDescription("Called by the storage (MinIO's webhook, the development s3rver's forwarder) with `Authorization: Bearer <StorageEvents:Secret>`. Each created object under an upload key confirms its file; every other record is ignored. Answers 200 with the counts whatever each file's outcome, so that storage does not resend it; 401 without the secret, 404 where no secret is configured.");
        return app;
    }

    /// <summary>
    /// The token is checked before a byte of the body is read: a caller without it costs a header comparison, and learns
    /// nothing of how bodies are parsed.
    /// </summary>
    public static async Task<Results<Ok<StorageEventsResponse>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, UploadConfirmations confirmations, IOptions<StorageEventOptions> options, IOptions<StorageOptions> storage,
        IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (options.Value.Secret is not { } secret)
        {
            return Problem(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found", "Storage events are not configured here.");
        }

        if (!Authenticates(request.Headers.Authorization.ToString(), secret))
        {
            return Problem(StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized, "Unauthorized", "Storage events need the storage's bearer token.");
        }

        StorageEventNotification? notification;
        try
        {
            notification = await JsonSerializer.DeserializeAsync<StorageEventNotification>(request.Body, json.Value.SerializerOptions, cancellationToken);
        }
        catch (JsonException)
        {
            return Problem(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, "Invalid request", "The body is not an S3 event notification.");
        }

        if (notification?.Records is not { } records)
        {
            return Invalid(new Dictionary<string, string[]> { ["Records"] = ["Records is the list of S3 event records."] });
        }

        var uploads = records.Select(record => UploadOf(record, storage.Value.Bucket)).OfType<(string Tenant, ConfirmedUpload Upload)>().ToList();
        if (uploads is [var (_, only)])
        {
            // Which file an event was about, on its request's span, whether or not it moved the file.
            Activity.Current?.SetTag(UploadsTracing.FileIdTag, only.FileId);
        }

        var confirmed = 0;
        foreach (var tenant in uploads.GroupBy(u => u.Tenant))
        {
            var results = await confirmations.ConfirmAsync(tenant.Key, [.. tenant.Select(u => u.Upload)], cancellationToken);
            confirmed += results.Count(r => r.Error is null);
        }

        return TypedResults.Ok(new StorageEventsResponse(confirmed, uploads.Count - confirmed, records.Count - uploads.Count, TraceIds.Current));
    }

    /// <summary>The upload a record reports, when it is the creation of an upload object in our bucket.</summary>
    static (string Tenant, ConfirmedUpload Upload)? UploadOf(StorageEventRecord? record, string bucket)
    {
        if (record is not { EventName: { } name, S3: { Bucket.Name: { } recordBucket, Object: { Key: { } key, Size: { } size } } }
            || !name.Replace("s3:", "", StringComparison.Ordinal).StartsWith("ObjectCreated:", StringComparison.Ordinal)
            || recordBucket != bucket
            || size < 0
            || !ObjectKeys.TryParseUpload(Uri.UnescapeDataString(key), out var tenantId, out var fileId))
        {
            return null;
        }

        return (tenantId, new ConfirmedUpload(fileId, size));
    }

    /// <summary>Whether the request carries storage's token (compared in constant time).</summary>
    public static bool HoldsToken(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<StorageEventOptions>>().Value.Secret is { } secret
        && Authenticates(request.Headers.Authorization.ToString(), secret);

    static bool Authenticates(string authorization, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), Encoding.UTF8.GetBytes($"Bearer {secret}"));
}
