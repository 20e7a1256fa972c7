using System.Buffers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Uploads.Api.Problems;
using Uploads.Infrastructure.Caching;
using Uploads.Infrastructure.Data;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Storage;

namespace Uploads.Api.Reads;

/// <summary>
/// Serves a SYNCED file's bytes: from Redis when cached (<c>X-Cache: HIT</c>), else streamed from storage and put back
/// in the cache on the way (<c>X-Cache: MISS</c>). The ETag is the SHA-256, so a matching If-None-Match costs no read.
/// </summary>
public sealed class FileContent(UploadsDatabases databases, FileContentCache cache, ObjectStorage storage)
{
    public async Task<IResult> ReadAsync(string tenantId, Guid fileId, HttpContext http, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        var file = await db.Files.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        if (file is null)
        {
            return ApiProblemsExtensions.Problem(StatusCodes.Status404NotFound, ProblemCodes.FileNotFound, "File not found", $"No file has the id {fileId}.");
        }

        if (file.Status != FileStatus.Synced)
        {
            return ApiProblemsExtensions.Problem(StatusCodes.Status409Conflict, ProblemCodes.FileNotSynced, "File not synced",
                $"The file is {StatusNames.ToName(file.Status)}; its content can be read once it is SYNCED.");
        }

        // The bytes are the uploader's: a browser must neither guess another type for them nor run them as a page of this origin.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.ContentSecurityPolicy = "sandbox";

        var entityTag = new EntityTagHeaderValue($"\"{file.Sha256}\"");
        if (EntityTags.NotModified(http, entityTag) is { } notModified)
        {
            return notModified;
        }

        // Range and If-Range read once, here, the same for both paths (RFC 9110 §14.2, §13.1.5): a range in another unit
        // than bytes, or under an If-Range that does not hold, is ignored, and the whole file is answered.
        if (!RangeApplies(http.Request, entityTag))
        {
            http.Request.Headers.Range = default;
        }

        if (await cache.TryReadAsync(fileId) is { } cached)
        {
            http.Response.Headers["X-Cache"] = "HIT";
            return TypedResults.Bytes(cached, file.ContentType, file.Filename, enableRangeProcessing: true, entityTag: entityTag);
        }

        http.Response.Headers["X-Cache"] = "MISS";
        return new StoredContentResult(file, entityTag, storage, cache);
    }

    /// <summary>
    /// Whether the request's Range may be answered: its unit is bytes, and an If-Range, when sent, holds — a strong match
    /// of the tag; a weak tag never holds, nor a date, since no Last-Modified is sent.
    /// </summary>
    static bool RangeApplies(HttpRequest request, EntityTagHeaderValue entityTag)
    {
        var headers = request.GetTypedHeaders();
        if (headers.Range is { } range && range.Unit != "bytes")
        {
            return false;
        }

        return request.Headers.IfRange.Count == 0
            || headers.IfRange?.EntityTag is { IsWeak: false } tag && tag.Compare(entityTag, useStrongComparison: true);
    }
}

/// <summary>Streams a file from storage with a pooled buffer; memory does not grow with the file.</summary>
sealed class StoredContentResult(FileRecord file, EntityTagHeaderValue entityTag, ObjectStorage storage, FileContentCache cache) : IResult
{
    const int BufferBytes = 64 * 1024;

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        var length = file.Size!.Value;
        var headers = response.GetTypedHeaders();
        headers.ETag = entityTag;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(file.Filename);
        headers.ContentDisposition = disposition;
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = file.ContentType;

        var range = SingleRange(http.Request, length);
        if (range is { Satisfiable: false })
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            headers.ContentRange = new ContentRangeHeaderValue(length);
            return;
        }

        var (from, to) = range is { } r ? (r.From, r.To) : (0, length - 1);
        // Always a byte range, also for the whole file: the bytes served are the length that was verified, and a whole
        // read is checked against the verified digest here (below), in place of the AWS SDK's check of a whole-object
        // GET against the ETag, which comes after the last byte has gone out and allocates for every 64-byte block.
        // Conditional on what the worker verified: other bytes under the key (an operator's write, a restored backup)
        // are refused by storage before a byte of them is read, for a range as for the whole file.
        StoredObject? stored;
        try
        {
            stored = length == 0
                ? null
                : await storage.OpenReadAsync(file.ObjectKey, http.RequestAborted, from, to, ifMatch: file.StoredETag)
                    ?? throw new InvalidOperationException($"The object of SYNCED file {file.Id} is missing from storage.");
        }
        catch (StoredObjectChangedException)
        {
            await RefuseChangedAsync(http);
            return;
        }

        using var storedContent = stored;

        if (range is not null)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = new ContentRangeHeaderValue(from, to, length);
        }

        response.ContentLength = to - from + 1;
        // A whole read of a cacheable file puts it back in the cache as it goes out.
        var cacheWriter = range is null && cache.Accepts(length) ? cache.BeginWrite(file.Id) : null;
        if (stored is not null)
        {
            try
            {
                await CopyAsync(stored.Content, response.Body, cacheWriter, range is null ? file.Sha256 : null, to - from + 1, http.RequestAborted);
            }
            catch when (cacheWriter is not null)
            {
                await cacheWriter.AbandonAsync();
                throw;
            }
        }

        if (cacheWriter is not null)
        {
            await cacheWriter.CommitAsync();
        }
    }

    /// <summary>Storage holds other bytes than were verified: nothing of them goes out, and the operator hears of it.</summary>
    async Task RefuseChangedAsync(HttpContext http)
    {
        http.RequestServices.GetRequiredService<ILogger<StoredContentResult>>()
            .LogError("The sealed object of file {FileId} is not the one that was verified (its ETag changed); nothing was served", file.Id);
        http.Response.Headers.Clear();
        await ApiProblemsExtensions.Problem(StatusCodes.Status502BadGateway, ProblemCodes.StoredContentChanged, "Stored content changed",
            "Storage holds other bytes for this file than the ones that were verified; none of them are served.").ExecuteAsync(http);
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes. With <paramref name="sha256"/> (a whole read), the last chunk goes out only
    /// once everything read hashes to it: storage that returns other bytes than were verified leaves the client with a
    /// response cut short, which it can tell from a whole one, and the cache with nothing.
    /// </summary>
    static async Task CopyAsync(
        Stream source, Stream destination, CachedContentWriter? cacheWriter, string? sha256, long length, CancellationToken cancellationToken)
    {
        using var hash = sha256 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            var copied = 0L;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferBytes, length - copied)), cancellationToken)) > 0)
            {
                copied += read;
                hash?.AppendData(buffer, 0, read);
                if (hash is not null && copied == length && Convert.ToHexStringLower(hash.GetHashAndReset()) != sha256)
                {
                    throw new InvalidDataException("Storage returned other bytes than the file's verified SHA-256; the response is cut short.");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                if (cacheWriter is not null)
                {
                    await cacheWriter.AppendAsync(buffer.AsMemory(0, read));
                }
            }

            if (copied != length)
            {
                throw new InvalidDataException($"Storage returned {copied} of the file's {length} bytes; the response is cut short.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The one byte range asked for, if any; several ranges are answered with the whole file, as RFC 9110 allows.</summary>
    static ByteRangeRequest? SingleRange(HttpRequest request, long length)
    {
        var header = request.GetTypedHeaders().Range;
        if (header is null || header.Unit != "bytes" || header.Ranges.Count != 1)
        {
            return null;
        }

        var range = header.Ranges.Single();
        (long from, long to) = (range.From, range.To) switch
        {
            (null, { } suffix) => (Math.Max(0, length - suffix), length - 1),
            ({ } first, null) => (first, length - 1),
            ({ } first, { } last) => (first, Math.Min(last, length - 1)),
            _ => (0, -1),
        };
        return new ByteRangeRequest(from, to, from <= to && from < length);
    }

    sealed record ByteRangeRequest(long From, long To, bool Satisfiable);
}
