using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3;
using Uploads.Api.Companion;
using Uploads.Api.Problems;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.EndToEnd;

/// <summary>
/// The S3 routes of Uppy Companion, called as <c>@uppy/aws-s3</c> calls them (paths, query, JSON names), against the real
/// stack: every upload becomes one of our files, and storage's event confirms the ones Uppy never confirms.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class CompanionProtocolTests(UploadsStack stack)
{
    const int MiB = 1024 * 1024;
    static readonly HttpClient Storage = new();

    /// <summary>Uppy's JSON: property names as written (<c>PartNumber</c>, <c>ETag</c>).</summary>
    static readonly JsonSerializerOptions AsUppySends = new();

    [Fact]
    public async Task Single_upload_parameters_make_a_file_that_the_storage_event_confirms_without_a_call_from_the_client()
    {
        var content = UploadsClient.RandomBytes(40_000);
        using var response = await stack.Client.Http.GetAsync("/companion/s3/params?filename=notes.txt&type=text%2Fplain&metadata%5Bname%5D=notes.txt&metadata%5Bexternal_id%5D=uppy-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parameters = (await response.Content.ReadFromJsonAsync<CompanionUploadParameters>(UploadsClient.Json))!;
        Assert.Equal("POST", parameters.Method);
        Assert.InRange(parameters.Expires, 1, 3600);

        stack.Proxies.StorageEvents.Set(FaultMode.Pass);
        try
        {
            await PostFormAsync(parameters, content);
            var synced = await stack.Client.WaitForStatusAsync(parameters.FileId, FileStatus.Synced);

            Assert.Equal(UploadsClient.Sha256Of(content), synced.Sha256);
            Assert.Equal("uppy-1", synced.ExternalId);
            Assert.Equal("text/plain", synced.ContentType);
        }
        finally
        {
            stack.Proxies.StorageEvents.Set(FaultMode.Refuse);
        }
    }

    [Fact]
    public async Task A_multipart_upload_without_a_size_is_signed_part_by_part_listed_completed_and_synced_with_its_digest()
    {
        var content = UploadsClient.RandomBytes(5 * MiB + 70_000);
        var upload = await CreateAsync("movie.bin");
        var key = Uri.EscapeDataString(upload.Key);

        using var batch = await stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}/batch?key={key}&partNumbers=1,2");
        var urls = (await batch.Content.ReadFromJsonAsync<CompanionPartUrls>(UploadsClient.Json))!.PresignedUrls;
        var first = await PutAsync(urls["1"], content.AsMemory(0, 5 * MiB));

        using var single = await stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}/2?key={key}");
        var second = await PutAsync((await single.Content.ReadFromJsonAsync<CompanionPartUrl>(UploadsClient.Json))!.Url, content.AsMemory(5 * MiB));

        var listed = await stack.Client.Http.GetFromJsonAsync<List<CompanionPart>>($"/companion/s3/multipart/{upload.UploadId}?key={key}", UploadsClient.Json);
        Assert.Equal([(1, 5L * MiB, first), (2, 70_000L, second)], listed!.Select(p => (p.PartNumber, p.Size, p.ETag)));

        // Uppy lists the parts in the order they finished; storage needs them ascending.
        using var complete = await stack.Client.Http.PostAsJsonAsync($"/companion/s3/multipart/{upload.UploadId}/complete?key={key}",
            new { parts = new[] { new { PartNumber = 2, ETag = second }, new { PartNumber = 1, ETag = first } } }, AsUppySends);
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        var completion = (await complete.Content.ReadFromJsonAsync<CompanionCompletion>(UploadsClient.Json))!;

        Assert.Equal(upload.FileId, completion.FileId);
        Assert.EndsWith($"/files/{upload.FileId}", completion.Location);
        var synced = await stack.Client.WaitForStatusAsync(upload.FileId, FileStatus.Synced);
        Assert.Equal(UploadsClient.Sha256Of(content), synced.Sha256);
        Assert.Equal(content.Length, synced.Size);
        using var afterwards = await stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}?key={key}");
        Assert.Equal(HttpStatusCode.Conflict, afterwards.StatusCode);
    }

    [Fact]
    public async Task Aborting_cancels_the_file_and_storage_no_longer_holds_the_upload_or_its_parts()
    {
        var upload = await CreateAsync("abandoned.bin");
        var key = Uri.EscapeDataString(upload.Key);
        using var sign = await stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}/1?key={key}");
        await PutAsync((await sign.Content.ReadFromJsonAsync<CompanionPartUrl>(UploadsClient.Json))!.Url, UploadsClient.RandomBytes(MiB));

        using var abort = await stack.Client.Http.DeleteAsync($"/companion/s3/multipart/{upload.UploadId}?key={key}");

        Assert.Equal(HttpStatusCode.OK, abort.StatusCode);
        var file = await stack.Client.GetFileAsync(upload.FileId);
        Assert.Equal(FileStatus.Expired, file.Status);
        Assert.Equal(FailureReasons.Cancelled, file.History.Last().Reason);
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => stack.StoredPartsAsync(UploadsStack.Tenant, upload.FileId));
        Assert.Equal("NoSuchUpload", gone.ErrorCode);
    }

    [Fact]
    public async Task Another_tenant_s_upload_is_not_found_and_malformed_names_and_numbers_are_problems()
    {
        var upload = await CreateAsync("mine.bin");
        var key = Uri.EscapeDataString(upload.Key);
        var other = stack.ClientFor("companion-other");

        await AssertProblemAsync(other.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}?key={key}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(other.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}/1?key={key}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(other.Http.DeleteAsync($"/companion/s3/multipart/{upload.UploadId}?key={key}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/multipart/0123456789abcdef0123456789abcdef?key={key}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}?key=tenants%2Ftests%2Ffiles%2Fx"), HttpStatusCode.NotFound);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/multipart/a%0D%0Ab?key={key}"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/multipart/{new string('a', 2_000)}?key={key}"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}/0?key={key}"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}/10001?key={key}"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/multipart/{upload.UploadId}/batch?key={key}&partNumbers=1,x"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/params?filename=a%00b.txt&type=text%2Fplain"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(stack.Client.Http.GetAsync($"/companion/s3/params?filename=%E2%80%AEtxt.exe&type=text%2Fplain"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(stack.Client.Http.PostAsJsonAsync($"/companion/s3/multipart/{upload.UploadId}/complete?key={key}",
            new { parts = new[] { new { PartNumber = 1, ETag = "\"a\"\r\nx: y" } } }, AsUppySends), HttpStatusCode.BadRequest);
        using var anonymous = new HttpClient { BaseAddress = stack.Client.Http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/companion/s3/multipart/{upload.UploadId}?key={key}")).StatusCode);

        Assert.Equal(FileStatus.Pending, (await stack.Client.GetFileAsync(upload.FileId)).Status);
    }

    [Theory]
    [InlineData(UploadsStack.FrontendOrigin, true)]
    [InlineData("https://elsewhere.example", false)]
    public async Task A_browser_on_a_configured_origin_may_call_the_companion_routes_with_Uppy_s_headers_and_no_other_origin_may(string origin, bool allowed)
    {
        using var anonymous = new HttpClient { BaseAddress = stack.Client.Http.BaseAddress };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/companion/s3/multipart");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,uppy-versions");

        using var response = await anonymous.SendAsync(preflight);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowedOrigin) && allowedOrigin.Single() == origin);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    async Task<CompanionMultipartUpload> CreateAsync(string filename)
    {
        using var response = await stack.Client.PostJsonAsync("/companion/s3/multipart",
            new { filename, type = "application/octet-stream", metadata = new { name = filename } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CompanionMultipartUpload>(UploadsClient.Json))!;
    }

    static async Task PostFormAsync(CompanionUploadParameters parameters, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in parameters.Fields)
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(new ByteArrayContent(content), "file", "notes.txt");
        using var response = await Storage.PostAsync(parameters.Url, form);
        response.EnsureSuccessStatusCode();
    }

    static async Task<string> PutAsync(string url, ReadOnlyMemory<byte> content)
    {
        using var response = await Storage.PutAsync(url, new ReadOnlyMemoryContent(content));
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.Tag;
    }

    static async Task AssertProblemAsync(Task<HttpResponseMessage> call, HttpStatusCode expected)
    {
        using var response = await call;
        Assert.Equal(expected, response.StatusCode);
        var problem = await Problems.ReadAsync(response);
        Assert.False(string.IsNullOrEmpty(problem.TraceId));
    }
}
