using System.Net;
using System.Net.Http.Headers;
using Amazon.S3.Model;
using Uploads.Infrastructure.Caching;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

public sealed class ContentTests(UploadsStack stack)
{
    [Fact]
    public async Task A_cached_file_is_read_from_Redis_and_an_evicted_one_from_storage_with_the_same_bytes()
    {
        // A PDF by its first bytes (the worker checks a declared PDF is one), random after them.
        byte[] content = [.. "%PDF-1.7\n"u8, .. UploadsClient.RandomBytes(50_000)];
        var fileId = await SyncedFileAsync(content, "report.pdf");

        var hit = await GetAsync(fileId);
        await stack.Redis.GetDatabase().KeyDeleteAsync(FileContentCache.KeyFor(fileId));
        var miss = await GetAsync(fileId);

        Assert.Equal("HIT", hit.Headers.GetValues("X-Cache").Single());
        Assert.Equal("MISS", miss.Headers.GetValues("X-Cache").Single());
        foreach (var response in new[] { hit, miss })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(content.Length, response.Content.Headers.ContentLength);
            Assert.Equal($"\"{UploadsClient.Sha256Of(content)}\"", response.Headers.ETag?.Tag);
            Assert.Equal("report.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
            // Never sniffed into another type, never run as a page of the API's origin (HTML and SVG uploads are allowed).
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("sandbox", response.Headers.GetValues("Content-Security-Policy").Single());
        }

        // The miss puts the content back, once its last byte went out.
        await Eventually.TrueAsync(
            async () => (byte[]?)await stack.Redis.GetDatabase().StringGetAsync(FileContentCache.KeyFor(fileId)) is { } cached && cached.SequenceEqual(content),
            "the content to be back in the cache");
    }

    /// <summary>
    /// Every read from storage is conditional on the ETag the worker recorded when it verified the bytes: other bytes of
    /// the same length under the sealed key are refused before one is sent, for the whole file and for a range alike, and
    /// nothing is cached. Seen failing before the condition: the range answered 206 with the new bytes.
    /// </summary>
    [Fact]
    public async Task Bytes_changed_in_storage_behind_the_service_are_never_served_whole_nor_a_range_of_them_nor_cached()
    {
        var content = UploadsClient.RandomBytes(200_000);
        var fileId = await SyncedFileAsync(content);
        // Only storage's own credentials reach a sealed object: no URL is ever signed for it.
        await stack.Storage.PutObjectAsync(new PutObjectRequest
        {
            BucketName = UploadsStack.Bucket,
            Key = ObjectKeys.For(UploadsStack.Tenant, fileId),
            InputStream = new MemoryStream(UploadsClient.RandomBytes(content.Length)),
        });
        await stack.Redis.GetDatabase().KeyDeleteAsync(FileContentCache.KeyFor(fileId));

        using var whole = await stack.Client.Http.GetAsync($"/files/{fileId}/content");
        using var rangeRequest = new HttpRequestMessage(HttpMethod.Get, $"/files/{fileId}/content");
        rangeRequest.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 15);
        using var range = await stack.Client.Http.SendAsync(rangeRequest);

        foreach (var response in new[] { whole, range })
        {
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("STORED_CONTENT_CHANGED", (await Problems.ReadAsync(response)).Code);
            Assert.Null(response.Headers.ETag);
        }

        Assert.False(await stack.Redis.GetDatabase().KeyExistsAsync(FileContentCache.KeyFor(fileId)));
    }

    [Fact]
    public async Task A_matching_If_None_Match_answers_304_without_a_body()
    {
        var content = UploadsClient.RandomBytes(1000);
        var fileId = await SyncedFileAsync(content);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{fileId}/content");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{UploadsClient.Sha256Of(content)}\""));

        using var response = await stack.Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_range_read_returns_the_exact_slice_from_cache_or_storage(bool cached)
    {
        var content = UploadsClient.RandomBytes(100_000);
        var fileId = await SyncedFileAsync(content);
        if (!cached)
        {
            await stack.Redis.GetDatabase().KeyDeleteAsync(FileContentCache.KeyFor(fileId));
        }

        var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{fileId}/content");
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var response = await stack.Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(content[1000..2000], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("bytes 1000-1999/100000", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task A_range_past_the_end_answers_416()
    {
        var fileId = await SyncedFileAsync(UploadsClient.RandomBytes(100));
        await stack.Redis.GetDatabase().KeyDeleteAsync(FileContentCache.KeyFor(fileId));
        var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{fileId}/content");
        request.Headers.Range = new RangeHeaderValue(500, 600);

        using var response = await stack.Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */100", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Content_of_a_file_that_is_not_synced_answers_409()
    {
        var ticket = await stack.Client.RequestUploadAsync("pending.bin", 10);

        using var response = await stack.Client.Http.GetAsync($"/files/{ticket.FileId}/content");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("FILE_NOT_SYNCED", (await Problems.ReadAsync(response)).Code);
    }

    async Task<Guid> SyncedFileAsync(byte[] content, string filename = "file.bin")
    {
        var fileId = await stack.Client.UploadAndConfirmAsync(content, filename);
        Assert.Equal(FileStatus.Synced, (await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced)).Status);
        return fileId;
    }

    async Task<HttpResponseMessage> GetAsync(Guid fileId) => await stack.Client.Http.GetAsync($"/files/{fileId}/content");
}
