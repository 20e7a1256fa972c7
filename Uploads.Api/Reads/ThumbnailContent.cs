using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Uploads.Api.Problems;
using Uploads.Domain.Derivatives;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Storage;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Reads;

/// <summary>
/// Serves a thumbnail the worker made, to the file's own tenant only. It never changes once made, so its ETag (the
/// SHA-256 recorded when it was made) answers If-None-Match without a read, and browsers may keep it privately.
/// </summary>
public sealed class ThumbnailContent(UploadsDatabases databases, ObjectStorage storage)
{
    static readonly TimeSpan CacheLife = TimeSpan.FromDays(7);

    public async Task<IResult> ReadAsync(string tenantId, Guid fileId, string size, HttpContext http, CancellationToken cancellationToken)
    {
        if (!int.TryParse(size, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pixels)
            || !DerivativeSources.IsThumbnailSize(pixels))
        {
            return Invalid(new Dictionary<string, string[]>
            {
                ["size"] = [$"size is one of {string.Join(", ", DerivativeSources.ThumbnailSizes)}."],
            });
        }

        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        if (file is null)
        {
            return Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "File not found", $"No file has the id {fileId}.");
        }

        if (file.DerivedContent?.Thumbnails.SingleOrDefault(t => t.Size == pixels) is not { } thumbnail)
        {
            return Problem(StatusCodes.Status404NotFound, ProblemCodes.ThumbnailNotFound, "Thumbnail not found",
                $"The file's derivatives are {DerivativesStateMachine.PublicName(file.Derivatives)}: it has no thumbnail of {pixels} px.");
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = $"private, max-age={(int)CacheLife.TotalSeconds}, immutable";
        var entityTag = new EntityTagHeaderValue($"\"{thumbnail.Sha256}\"");
        if (EntityTags.NotModified(http, entityTag) is { } notModified)
        {
            return notModified;
        }

        var stored = await storage.OpenReadAsync(ObjectKeys.ThumbnailFor(file.TenantId, file.Id, pixels), cancellationToken)
            ?? throw new InvalidOperationException($"The {pixels} px thumbnail of file {file.Id} is missing from storage.");
        http.Response.RegisterForDispose(stored);
        return TypedResults.Stream(stored.Content, thumbnail.ContentType, entityTag: entityTag);
    }
}
