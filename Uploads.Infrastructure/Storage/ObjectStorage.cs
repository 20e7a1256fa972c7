using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace Uploads.Infrastructure.Storage;

public sealed record UploadForm(Uri Url, IReadOnlyDictionary<string, string> Fields);

/// <summary>An object's content, streamed straight from storage. Dispose it to release the connection.</summary>
public sealed class StoredObject(GetObjectResponse response) : IDisposable
{
    public Stream Content => response.ResponseStream;
    public long Length => response.ContentLength;

    /// <summary>What storage says identifies these bytes: a read conditional on it (<c>If-Match</c>) gets these bytes or none.</summary>
    public string ETag => response.ETag;

    public void Dispose() => response.Dispose();
}

/// <summary>Storage holds other bytes under the key than those a read was conditional on (<c>If-Match</c>): nothing was read.</summary>
public sealed class StoredObjectChangedException(string key) : Exception($"The object {key} is no longer the one that was verified.");

/// <summary>The operations the service needs from S3-compatible storage, and nothing else.</summary>
/// <param name="s3">The client that talks to storage, at the endpoint the services reach.</param>
/// <param name="presigner">
/// The client that signs the URLs browsers use, for the endpoint they reach (<see cref="StorageOptions.PublicEndpoint"/>):
/// a signature covers the host, so a URL signed for one host cannot be pointed at another afterwards.
/// </param>
/// <param name="options">The bucket and the public endpoint.</param>
public sealed class ObjectStorage(IAmazonS3 s3, IAmazonS3 presigner, IOptions<StorageOptions> options)
{
    /// <summary>The origin browsers upload to (the public endpoint the URLs are signed for): what a page's CSP must let it reach.</summary>
    public string PublicOrigin => new Uri(presigner.Config.ServiceURL).GetLeftPart(UriPartial.Authority);

    readonly StorageOptions options = options.Value;

    public string Bucket => options.Bucket;

    /// <summary>
    /// A presigned POST policy that pins the bucket, the exact key, the content type, the length range and the expiry.
    /// Computed locally (an HMAC), without a call to storage.
    /// </summary>
    public async Task<UploadForm> CreateUploadFormAsync(
        string key, string contentType, long minLength, long maxLength, DateTimeOffset expiresAt)
    {
        var request = new CreatePresignedPostRequest
        {
            BucketName = options.Bucket,
            Key = key,
            Expires = expiresAt.UtcDateTime,
        };
        request.Fields["Content-Type"] = contentType;
        request.Conditions.Add(S3PostCondition.ContentLengthRange(minLength, maxLength));

        var post = await presigner.CreatePresignedPostAsync(request);
        return new UploadForm(new Uri(post.Url), post.Fields);
    }

    /// <summary>
    /// A presigned PUT of the whole object, for clients that send the file as the body: signed for exactly
    /// <paramref name="length"/> bytes and <paramref name="contentType"/> (both signed headers, which S3 and MinIO
    /// enforce). A local HMAC, no call to storage.
    /// </summary>
    public async Task<Uri> PresignUploadPutAsync(string key, string contentType, long length, DateTimeOffset expiresAt)
    {
        var request = PutRequest(key, expiresAt);
        request.ContentType = contentType;
        return await SignAsync(request, length);
    }

    GetPreSignedUrlRequest PutRequest(string key, DateTimeOffset expiresAt) => new()
    {
        BucketName = options.Bucket,
        Key = key,
        Verb = HttpVerb.PUT,
        Expires = expiresAt.UtcDateTime,
        Protocol = SigningProtocol,
    };

    /// <summary>Signs <paramref name="request"/>, with its <c>Content-Length</c> among the signed headers when one is given.</summary>
    async Task<Uri> SignAsync(GetPreSignedUrlRequest request, long? length)
    {
        if (length is { } signedLength)
        {
            request.Headers.ContentLength = signedLength;
        }

        return new Uri(await presigner.GetPreSignedURLAsync(request));
    }

    Protocol SigningProtocol => presigner.Config.ServiceURL?.StartsWith("https", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTPS : Protocol.HTTP;

    /// <summary>The object's size, or <c>null</c> when there is no such object.</summary>
    public async Task<long?> GetSizeAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await s3.GetObjectMetadataAsync(options.Bucket, key, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Copies <paramref name="sourceKey"/> to <paramref name="destinationKey"/> inside the bucket, on the storage's side (the
    /// bytes do not pass through here; MinIO and S3 copy a single-part object without reading it). False when there is no
    /// source object.
    /// </summary>
    public async Task<bool> CopyAsync(string sourceKey, string destinationKey, CancellationToken cancellationToken)
    {
        try
        {
            await s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = options.Bucket,
                SourceKey = sourceKey,
                DestinationBucket = options.Bucket,
                DestinationKey = destinationKey,
            }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Opens the object (or the inclusive byte range <paramref name="from"/>–<paramref name="to"/> of it) for streaming,
    /// or returns <c>null</c> when there is no such object. With <paramref name="ifMatch"/>, only the object storage
    /// identified by that ETag is read: other bytes under the key throw <see cref="StoredObjectChangedException"/>.
    /// </summary>
    public async Task<StoredObject?> OpenReadAsync(string key, CancellationToken cancellationToken, long? from = null, long? to = null, string? ifMatch = null)
    {
        var request = new GetObjectRequest { BucketName = options.Bucket, Key = key, EtagToMatch = ifMatch };
        if (from is { } first && to is { } last)
        {
            request.ByteRange = new ByteRange(first, last);
        }

        try
        {
            return new StoredObject(await s3.GetObjectAsync(request, cancellationToken));
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw new StoredObjectChangedException(key);
        }
    }

    /// <summary>Starts a multipart upload of <paramref name="key"/>; its parts are PUT with <see cref="PresignPartAsync"/>.</summary>
    public async Task<string> StartMultipartUploadAsync(string key, string contentType, CancellationToken cancellationToken)
    {
        var upload = await s3.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = options.Bucket, Key = key, ContentType = contentType }, cancellationToken);
        return upload.UploadId;
    }

    /// <summary>
    /// A presigned PUT for one part of a multipart upload, signed for exactly <paramref name="length"/> bytes when it is
    /// known (the <c>Content-Length</c> is a signed header: S3 and MinIO refuse a part of another length); a file uploaded
    /// without a declared size has its size checked once complete. A local HMAC, no call to storage.
    /// </summary>
    public async Task<Uri> PresignPartAsync(string key, string uploadId, int partNumber, long? length, DateTimeOffset expiresAt)
    {
        var request = PutRequest(key, expiresAt);
        request.UploadId = uploadId;
        request.PartNumber = partNumber;
        return await SignAsync(request, length);
    }

    /// <summary>
    /// The parts stored so far, by number, with their ETags and sizes: what a resuming client need not send again. Empty
    /// where the storage cannot list parts (S3, MinIO and the AppHost's s3rver can) or no longer has the upload.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, StoredPart>> ListPartsAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        var stored = new Dictionary<int, StoredPart>();
        try
        {
            var request = new ListPartsRequest { BucketName = options.Bucket, Key = key, UploadId = uploadId };
            ListPartsResponse page;
            do
            {
                page = await s3.ListPartsAsync(request, cancellationToken);
                foreach (var part in page.Parts ?? [])
                {
                    stored[part.PartNumber ?? 0] = new StoredPart(part.PartNumber ?? 0, part.ETag, part.Size ?? 0);
                }

                request.PartNumberMarker = page.NextPartNumberMarker?.ToString(CultureInfo.InvariantCulture);
            }
            while (page.IsTruncated == true);
        }
        catch (AmazonS3Exception ex) when (IsUnsupported(ex) || ex.StatusCode == HttpStatusCode.NotFound)
        {
        }

        return stored;
    }

    public async Task CompleteMultipartUploadAsync(string key, string uploadId, IEnumerable<(int Number, string ETag)> parts, CancellationToken cancellationToken) =>
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = options.Bucket,
            Key = key,
            UploadId = uploadId,
            PartETags = [.. parts.Select(p => new PartETag(p.Number, p.ETag))],
        }, cancellationToken);

    /// <summary>
    /// Aborts a multipart upload and frees its parts; one that no longer exists is already gone. Returns false where the
    /// storage cannot abort (s3rver): its parts are then left to the bucket's lifecycle rules.
    /// </summary>
    public async Task<bool> AbortMultipartUploadAsync(string key, string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            await s3.AbortMultipartUploadAsync(options.Bucket, key, uploadId, cancellationToken);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (AmazonS3Exception ex) when (IsUnsupported(ex))
        {
            return false;
        }

        return true;
    }

    static bool IsUnsupported(AmazonS3Exception exception) =>
        exception.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented;

    /// <summary>Writes a small object the service made itself (a thumbnail), whole, from memory.</summary>
    public Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken) =>
        s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = options.Bucket,
            Key = key,
            InputStream = new MemoryStream(content, writable: false),
            ContentType = contentType,
            // One signed body, not aws-chunked: s3rver stores a chunked body with its chunk signatures in it.
            UseChunkEncoding = false,
        }, cancellationToken);

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        s3.DeleteObjectAsync(options.Bucket, key, cancellationToken);

    /// <summary>
    /// Removes what an abandoned upload left: its multipart upload (with its parts) and its object. Returns false where
    /// the multipart upload could not be aborted (s3rver): its parts are then left to the bucket's lifecycle rules.
    /// </summary>
    public async Task<bool> DiscardUploadAsync(string key, string? multipartUploadId, CancellationToken cancellationToken)
    {
        var aborted = multipartUploadId is null || await AbortMultipartUploadAsync(key, multipartUploadId, cancellationToken);
        await DeleteAsync(key, cancellationToken);
        return aborted;
    }

    public async Task EnsureBucketReachableAsync(CancellationToken cancellationToken) =>
        await s3.GetBucketLocationAsync(options.Bucket, cancellationToken);
}

/// <summary>One part of a multipart upload that storage holds.</summary>
public sealed record StoredPart(int Number, string ETag, long Size);
