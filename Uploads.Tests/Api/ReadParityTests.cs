using System.Net;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Caching;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

/// <summary>
/// A file's content answers the same whether Redis serves it or storage does: every Range and conditional case gives
/// the same status, headers and bytes from both paths.
/// </summary>
public sealed class ReadParityTests(UploadsStack stack)
{
    const int Length = 100_000;
    static readonly byte[] Content = UploadsClient.RandomBytes(Length);
    static readonly string Tag = $"\"{UploadsClient.Sha256Of(Content)}\"";

    /// <summary>Range, If-Range and If-None-Match as sent; <c>{tag}</c> stands for the file's ETag.</summary>
    public static TheoryData<string, string?, string?, string?, HttpStatusCode> Cases => new()
    {
        { "a middle slice", "bytes=1000-1999", null, null, HttpStatusCode.PartialContent },
        { "a suffix", "bytes=-500", null, null, HttpStatusCode.PartialContent },
        { "open-ended", "bytes=99000-", null, null, HttpStatusCode.PartialContent },
        { "an end past the last byte, clamped", "bytes=99000-200000", null, null, HttpStatusCode.PartialContent },
        { "a suffix longer than the file", "bytes=-200000", null, null, HttpStatusCode.PartialContent },
        { "several ranges: the whole file", "bytes=0-0,10-20", null, null, HttpStatusCode.OK },
        { "a start past the end", "bytes=200000-", null, null, HttpStatusCode.RequestedRangeNotSatisfiable },
        { "a malformed range: ignored", "bytes=abc", null, null, HttpStatusCode.OK },
        { "another unit: ignored", "items=0-10", null, null, HttpStatusCode.OK },
        { "If-Range with the tag", "bytes=1000-1999", "{tag}", null, HttpStatusCode.PartialContent },
        { "If-Range with another tag: the whole file", "bytes=1000-1999", "\"0000\"", null, HttpStatusCode.OK },
        { "If-Range with a weak tag: the whole file", "bytes=1000-1999", "W/{tag}", null, HttpStatusCode.OK },
        { "If-Range with a date: the whole file", "bytes=1000-1999", "Mon, 01 Jan 2024 00:00:00 GMT", null, HttpStatusCode.OK },
        { "If-None-Match: *", null, null, "*", HttpStatusCode.NotModified },
        { "If-None-Match with the weak tag", null, null, "W/{tag}", HttpStatusCode.NotModified },
        { "If-None-Match with another tag", null, null, "\"0000\"", HttpStatusCode.OK },
        { "If-None-Match and a range", "bytes=0-9", null, "{tag}", HttpStatusCode.NotModified },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Cache_and_storage_answer_alike(string @case, string? range, string? ifRange, string? ifNoneMatch, HttpStatusCode expected)
    {
        var fileId = await FileAsync();
        var cacheKey = FileContentCache.KeyFor(fileId);

        await stack.Redis.GetDatabase().StringSetAsync(cacheKey, Content);
        var fromCache = await ReadAsync(fileId, range, ifRange, ifNoneMatch);
        await stack.Redis.GetDatabase().KeyDeleteAsync(cacheKey);
        var fromStorage = await ReadAsync(fileId, range, ifRange, ifNoneMatch);

        Assert.Equal(expected, fromCache.Status);
        Assert.True(fromCache == fromStorage with { Cache = fromCache.Cache }, $"{@case}: Redis answered {fromCache}, storage {fromStorage}");
        if (expected != HttpStatusCode.NotModified)
        {
            Assert.Equal(("HIT", "MISS"), (fromCache.Cache, fromStorage.Cache));
        }
    }

    async Task<Guid> FileAsync()
    {
        // One file for every case: identical content is deduplicated to it anyway.
        var ticket = await stack.Client.RequestUploadAsync("parity.bin", Length, UploadsClient.Sha256Of(Content));
        if (ticket.Status == FileStatus.Pending)
        {
            await UploadsClient.UploadToStorageAsync(ticket, Content, "parity.bin");
            await stack.Client.ConfirmAsync((ticket.FileId, Length));
        }

        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        return ticket.FileId;
    }

    async Task<Answer> ReadAsync(Guid fileId, string? range, string? ifRange, string? ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{fileId}/content");
        foreach (var (name, value) in new[] { ("Range", range), ("If-Range", ifRange), ("If-None-Match", ifNoneMatch) })
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value.Replace("{tag}", Tag, StringComparison.Ordinal));
            }
        }

        using var response = await stack.Client.Http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new Answer(
            response.StatusCode,
            response.Content.Headers.ContentRange?.ToString(),
            response.Content.Headers.ContentLength,
            response.Headers.ETag?.ToString(),
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.AcceptRanges.ToString(),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)),
            response.Headers.TryGetValues("X-Cache", out var cache) ? cache.Single() : null);
    }

    sealed record Answer(
        HttpStatusCode Status, string? ContentRange, long? ContentLength, string? ETag, string? ContentType, string AcceptRanges, string BodySha256, string? Cache);
}
