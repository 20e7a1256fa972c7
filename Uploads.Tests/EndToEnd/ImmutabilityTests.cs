using System.Net;
using System.Net.Http.Json;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.EndToEnd;

/// <summary>
/// A signed URL stays valid until it expires, and s3rver (like S3 and MinIO) accepts what it writes. Once a file is
/// confirmed, nothing such a URL writes changes what the file serves: the worker sealed a copy under a key no URL names.
/// </summary>
public sealed class ImmutabilityTests(UploadsStack stack)
{
    const int MiB = 1024 * 1024;
    static readonly HttpClient Storage = new() { Timeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public async Task Posting_other_bytes_with_the_same_form_after_SYNCED_changes_neither_the_served_bytes_nor_the_ETag()
    {
        // Above the cache's limit: every read is a MISS, straight from storage.
        var original = UploadsClient.RandomBytes(17 * MiB);
        var (ticket, _) = await stack.Client.UploadAsync(original, "contract.bin", UploadsClient.Sha256Of(original));
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        var swapped = UploadsClient.RandomBytes(original.Length);

        // The same form, still within its lifetime: storage takes the other bytes.
        await UploadsClient.UploadToStorageAsync(ticket, swapped, "contract.bin");

        using var read = await stack.Client.Http.GetAsync($"/files/{ticket.FileId}/content");
        Assert.Equal("MISS", read.Headers.GetValues("X-Cache").Single());
        Assert.Equal($"\"{UploadsClient.Sha256Of(original)}\"", read.Headers.ETag?.Tag);
        var served = await read.Content.ReadAsByteArrayAsync();
        Assert.True(original.SequenceEqual(served), "the served bytes changed after SYNCED");

        // Deduplication still points at the original content only.
        var sameDigest = await stack.Client.RequestUploadAsync("contract-again.bin", original.Length, UploadsClient.Sha256Of(original));
        var swappedDigest = await stack.Client.RequestUploadAsync("swapped.bin", swapped.Length, UploadsClient.Sha256Of(swapped));
        Assert.True(sameDigest.Deduplicated);
        Assert.Equal(ticket.FileId, sameDigest.FileId);
        Assert.False(swappedDigest.Deduplicated);
    }

    /// <summary>
    /// Bytes posted again with a still-valid form after the seal are stored at the upload key, where they would stay for
    /// good: once the form expired, the reconciler empties the key, once, and the file serves what it always did. Seen
    /// failing before the reconciler did: the late bytes were still there.
    /// </summary>
    [Fact]
    public async Task Bytes_posted_again_after_SYNCED_are_removed_from_the_upload_key_once_the_form_expired()
    {
        var original = UploadsClient.RandomBytes(3_000);
        var (ticket, _) = await stack.Client.UploadAsync(original, "late.bin", UploadsClient.Sha256Of(original));
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        var uploadKey = ObjectKeys.UploadFor(UploadsStack.Tenant, ticket.FileId);
        await UploadsClient.UploadToStorageAsync(ticket, UploadsClient.RandomBytes(original.Length), "late.bin");
        Assert.Equal(original.Length, (await stack.Storage.GetObjectMetadataAsync(UploadsStack.Bucket, uploadKey)).ContentLength);

        // The form expires: the test moves the clock of this record instead of waiting fifteen minutes.
        await stack.ExecuteAsync("UPDATE files SET upload_expires_at = now() - interval '1 minute' WHERE id = @id", ("id", ticket.FileId));
        await Eventually.TrueAsync(
            async () => await stack.CountAsync("SELECT count(*) FROM files WHERE id = @id AND upload_key_cleared_at IS NOT NULL", ("id", ticket.FileId)) == 1,
            "the reconciler to empty the upload key");

        var gone = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => stack.Storage.GetObjectMetadataAsync(UploadsStack.Bucket, uploadKey));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var file = await stack.Client.GetFileAsync(ticket.FileId);
        Assert.Equal((FileStatus.Synced, UploadsClient.Sha256Of(original)), (file.Status, file.Sha256));
        Assert.Equal(original, await stack.Client.Http.GetByteArrayAsync($"/files/{ticket.FileId}/content"));
    }

    /// <summary>
    /// The part URL is still signed after the file synced. s3rver takes the part even though its upload was completed
    /// (S3 answers NoSuchUpload); completing the file again with that part's ETag completes nothing at storage (the
    /// upload key stays empty) and moves nothing, and the file serves what it always did. Seen failing with the API
    /// completing at storage whatever the file's state: the second completion answered 503.
    /// </summary>
    [Fact]
    public async Task A_part_put_again_after_the_multipart_file_synced_and_a_second_completion_change_nothing_it_serves()
    {
        var original = UploadsClient.RandomBytes(6 * MiB);
        using var started = await stack.Client.PostJsonAsync("/files/multipart-upload",
            new { filename = "video.bin", size = original.Length, sha256 = UploadsClient.Sha256Of(original) });
        var ticket = (await started.Content.ReadFromJsonAsync<MultipartUploadTicket>(UploadsClient.Json))!;
        var part = Assert.Single(ticket.Parts!);
        string etag;
        using (var put = await Storage.PutAsync(part.Url, new ByteArrayContent(original)))
        {
            put.EnsureSuccessStatusCode();
            etag = put.Headers.ETag!.Tag;
        }

        using (var completed = await CompleteAsync(ticket.FileId, etag))
        {
            Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        }

        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);

        var stray = UploadsClient.RandomBytes(original.Length);
        string strayEtag;
        using (var again = await Storage.PutAsync(part.Url, new ByteArrayContent(stray)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            strayEtag = again.Headers.ETag!.Tag;
        }

        using (var completedAgain = await CompleteAsync(ticket.FileId, strayEtag))
        {
            Assert.Equal(HttpStatusCode.OK, completedAgain.StatusCode);
        }

        var uploadKey = ObjectKeys.UploadFor(UploadsStack.Tenant, ticket.FileId);
        var nothing = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => stack.Storage.GetObjectMetadataAsync(UploadsStack.Bucket, uploadKey));
        Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);

        await stack.Redis.GetDatabase().KeyDeleteAsync(Uploads.Infrastructure.Caching.FileContentCache.KeyFor(ticket.FileId));
        using var read = await stack.Client.Http.GetAsync($"/files/{ticket.FileId}/content");
        Assert.Equal("MISS", read.Headers.GetValues("X-Cache").Single());
        Assert.Equal($"\"{UploadsClient.Sha256Of(original)}\"", read.Headers.ETag?.Tag);
        var served = await read.Content.ReadAsByteArrayAsync();
        Assert.True(original.SequenceEqual(served), "the served bytes changed after SYNCED");
        var file = await stack.Client.GetFileAsync(ticket.FileId);
        Assert.Equal(FileStatus.Synced, file.Status);
        Assert.Single(file.History, h => h.Status == FileStatus.Uploaded);
    }

    Task<HttpResponseMessage> CompleteAsync(Guid fileId, string etag) =>
        stack.Client.PostJsonAsync($"/files/{fileId}/complete-multipart", new { parts = new[] { new { part_number = 1, etag } } });

    [Fact]
    public async Task The_object_a_file_serves_is_one_no_upload_url_names()
    {
        var content = UploadsClient.RandomBytes(1000);
        var (ticket, _) = await stack.Client.UploadAsync(content, "sealed.bin", UploadsClient.Sha256Of(content));
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);

        var sealedObject = await stack.Storage.GetObjectMetadataAsync(UploadsStack.Bucket, ObjectKeys.For(UploadsStack.Tenant, ticket.FileId));
        var upload = await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() =>
            stack.Storage.GetObjectMetadataAsync(UploadsStack.Bucket, ObjectKeys.UploadFor(UploadsStack.Tenant, ticket.FileId)));

        Assert.Equal(ObjectKeys.UploadFor(UploadsStack.Tenant, ticket.FileId), ticket.FormFields!["key"]);
        Assert.NotEqual(ticket.FormFields["key"], ObjectKeys.For(UploadsStack.Tenant, ticket.FileId));
        Assert.Equal(content.Length, sealedObject.ContentLength);
        // The upload was deleted once sealed.
        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
    }
}
