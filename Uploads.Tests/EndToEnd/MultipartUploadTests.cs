using Uploads.AppHost.Tokens;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.EndToEnd;

public sealed class MultipartUploadTests(UploadsStack stack)
{
    const long MiB = 1024 * 1024;
    static readonly HttpClient Storage = new() { Timeout = TimeSpan.FromMinutes(5) };

    [Fact]
    public async Task A_client_resumes_with_fresh_urls_and_completing_twice_changes_nothing()
    {
        var content = UploadsClient.RandomBytes((int)(20 * MiB));
        var ticket = await stack.Client.StartMultipartAsync("resumed.bin", content.Length, UploadsClient.Sha256Of(content));
        Assert.Equal(2, ticket.Parts!.Count);
        var first = await UploadsClient.PutPartAsync(ticket.Parts![0], content, ticket.PartSize);

        using var resumed = await stack.Client.Http.GetAsync($"/files/{ticket.FileId}/multipart-upload");
        var again = (await resumed.Content.ReadFromJsonAsync<MultipartUploadTicket>(UploadsClient.Json))!;

        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(ticket.Parts.Select(p => p.PartNumber), again.Parts!.Select(p => p.PartNumber));
        Assert.Equal([first, null], again.Parts!.Select(p => p.ETag));
        var second = await UploadsClient.PutPartAsync(again.Parts![1], content, ticket.PartSize);

        var completion = await stack.Client.CompleteMultipartAsync(ticket.FileId, new Dictionary<int, string> { [1] = first, [2] = second });
        var twice = await stack.Client.CompleteMultipartAsync(ticket.FileId, new Dictionary<int, string> { [1] = first, [2] = second });

        Assert.Equal(FileStatus.Uploaded, completion.Status);
        Assert.Null(twice.Error);
        var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        Assert.Equal(UploadsClient.Sha256Of(content), file.Sha256);
        Assert.Single(file.History, h => h.Status == FileStatus.Uploaded);
    }

    [Fact]
    public async Task Resuming_after_the_urls_expired_signs_them_anew_for_another_lifetime_and_the_upload_goes_on()
    {
        var content = UploadsClient.RandomBytes((int)(20 * MiB));
        var ticket = await stack.Client.StartMultipartAsync("late.bin", content.Length);
        var first = await UploadsClient.PutPartAsync(ticket.Parts![0], content, ticket.PartSize);
        // The URLs expire now; the reconciler would expire the file itself only after its grace.
        await stack.ExecuteAsync("UPDATE files SET upload_expires_at = now() WHERE id = @id", ("id", ticket.FileId));

        using var resumed = await stack.Client.Http.GetAsync($"/files/{ticket.FileId}/multipart-upload");
        var again = (await resumed.Content.ReadFromJsonAsync<MultipartUploadTicket>(UploadsClient.Json))!;
        var second = await UploadsClient.PutPartAsync(again.Parts![1], content, ticket.PartSize);
        var completion = await stack.Client.CompleteMultipartAsync(ticket.FileId, new Dictionary<int, string> { [1] = first, [2] = second });

        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.True(again.ExpiresAt > DateTimeOffset.UtcNow.AddHours(1), $"expires at {again.ExpiresAt}");
        Assert.Equal(FileStatus.Uploaded, completion.Status);
    }

    [Fact]
    public async Task Completing_without_every_part_is_refused_and_changes_nothing()
    {
        var content = UploadsClient.RandomBytes((int)(20 * MiB));
        var ticket = await stack.Client.StartMultipartAsync("gap.bin", content.Length);
        var first = await UploadsClient.PutPartAsync(ticket.Parts![0], content, ticket.PartSize);

        using var response = await stack.Client.PostJsonAsync($"/files/{ticket.FileId}/complete-multipart",
            new { parts = new[] { new { part_number = 1, etag = first } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_PARTS", (await Problems.ReadAsync(response)).Code);
        Assert.Equal(FileStatus.Pending, (await stack.Client.GetFileAsync(ticket.FileId)).Status);
    }

    [Fact]
    public async Task An_abandoned_multipart_upload_expires_and_storage_frees_its_parts()
    {
        var content = UploadsClient.RandomBytes((int)(6 * MiB));
        var ticket = await stack.Client.StartMultipartAsync("abandoned.bin", content.Length);
        await UploadsClient.PutPartAsync(ticket.Parts![0], content, ticket.PartSize);
        await stack.ExecuteAsync("UPDATE files SET upload_expires_at = now() - interval '1 minute' WHERE id = @id", ("id", ticket.FileId));

        var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Expired);

        Assert.Equal(FileStatus.Expired, file.Status);
        using var resumed = await stack.Client.Http.GetAsync($"/files/{ticket.FileId}/multipart-upload");
        Assert.Equal(HttpStatusCode.Conflict, resumed.StatusCode);
        await Eventually.TrueAsync(async () => !await StorageHoldsUploadAsync(ticket.FileId), "the reconciler to abort the multipart upload");
    }

    [Fact]
    public async Task A_cancelled_upload_ends_EXPIRED_CANCELLED_storage_frees_its_parts_and_completing_it_is_refused()
    {
        var content = UploadsClient.RandomBytes((int)(6 * MiB));
        var ticket = await stack.Client.StartMultipartAsync("cancelled.bin", content.Length);
        var first = await UploadsClient.PutPartAsync(ticket.Parts![0], content, ticket.PartSize);
        Assert.True(await StorageHoldsUploadAsync(ticket.FileId));

        using var cancel = await stack.Client.Http.DeleteAsync($"/files/{ticket.FileId}/multipart-upload");
        using var again = await stack.Client.Http.DeleteAsync($"/files/{ticket.FileId}/multipart-upload");
        using var complete = await stack.Client.PostJsonAsync($"/files/{ticket.FileId}/complete-multipart",
            new { parts = new[] { new { part_number = 1, etag = first }, new { part_number = 2, etag = first } } });

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, complete.StatusCode);
        Assert.Equal("EXPIRED", (await Problems.ReadAsync(complete)).Code);
        var file = await stack.Client.GetFileAsync(ticket.FileId);
        Assert.Equal(FileStatus.Expired, file.Status);
        Assert.Equal(FailureReasons.Cancelled, file.History.Last().Reason);
        Assert.False(await StorageHoldsUploadAsync(ticket.FileId));
    }

    [Fact]
    public async Task A_digest_given_at_completion_is_verified_by_the_worker_and_a_wrong_one_fails_the_file()
    {
        var content = UploadsClient.RandomBytes((int)(5 * MiB) + 10);
        var right = await stack.Client.StartMultipartAsync("hashed-late.bin", content.Length);
        var wrong = await stack.Client.StartMultipartAsync("hashed-wrong.bin", content.Length);

        foreach (var (ticket, digest) in new[] { (right, UploadsClient.Sha256Of(content)), (wrong, new string('0', 64)) })
        {
            var etags = new Dictionary<int, string>();
            foreach (var part in ticket.Parts!)
            {
                etags[part.PartNumber] = await UploadsClient.PutPartAsync(part, content, ticket.PartSize);
            }

            using var response = await stack.Client.PostJsonAsync($"/files/{ticket.FileId}/complete-multipart",
                new { parts = etags.Select(e => new { part_number = e.Key, etag = e.Value }), sha256 = digest });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(UploadsClient.Sha256Of(content), (await stack.Client.WaitForStatusAsync(right.FileId, FileStatus.Synced)).Sha256);
        Assert.Equal(FailureReasons.HashMismatch, (await stack.Client.WaitForStatusAsync(wrong.FileId, FileStatus.Failed)).FailureReason);
    }

    async Task<bool> StorageHoldsUploadAsync(Guid fileId)
    {
        try
        {
            await stack.StoredPartsAsync(UploadsStack.Tenant, fileId);
            return true;
        }
        catch (Amazon.S3.AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchUpload")
        {
            return false;
        }
    }

    [Theory]
    [InlineData("""{"filename":"a.bin"}""", "size")]
    [InlineData("""{"filename":"a.bin","size":-1}""", "size")]
    [InlineData("""{"size":10}""", "filename")]
    public async Task Invalid_multipart_requests_get_a_validation_problem(string body, string field)
    {
        using var response = await stack.Client.Http.PostAsync("/files/multipart-upload", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await Problems.ReadAsync(response)).Errors.Keys);
    }
}
