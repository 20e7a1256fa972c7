using System.Net;
using System.Net.Http.Headers;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.EndToEnd;

/// <summary>
/// Presigned PUT, for clients that send the file as the body and stores without form uploads (Cloudflare R2): the URL
/// is signed for the exact length and content type, and confirmation checks what storage holds either way.
/// </summary>
public sealed class PresignedPutTests(UploadsStack stack)
{
    [Fact]
    public async Task A_file_sent_with_curl_T_to_a_presigned_PUT_then_confirmed_ends_SYNCED_with_its_digest()
    {
        var content = UploadsClient.RandomBytes(70_000);
        var path = Path.Combine(stack.StateDirectory, $"put-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, content);
        var ticket = await stack.Client.RequestUploadAsync("orders.csv", content.Length, UploadsClient.Sha256Of(content), method: "PUT");

        Assert.Equal("PUT", ticket.Method);
        Assert.Null(ticket.FormFields);
        Assert.Equal("text/csv", ticket.Headers!["Content-Type"]);
        var headers = ticket.Headers.SelectMany(h => new[] { "-H", $"{h.Key}: {h.Value}" });
        var (exitCode, _, errors) = await CommandLine.RunAsync("curl", ["--silent", "--show-error", "--fail", "-T", path, .. headers, ticket.UploadUrl!]);
        Assert.True(exitCode == 0, $"curl exited with {exitCode}: {errors}");

        var confirmation = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        Assert.Equal(FileStatus.Uploaded, confirmation.Results.Single().Status);
        var synced = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        Assert.Equal(UploadsClient.Sha256Of(content), synced.Sha256);
    }

    /// <summary>S3 and MinIO refuse a body of another length than signed; s3rver may take it, and confirmation refuses it then.</summary>
    [Fact]
    public async Task A_PUT_of_another_length_than_signed_is_never_confirmed()
    {
        var declared = UploadsClient.RandomBytes(4_000);
        var ticket = await stack.Client.RequestUploadAsync("short.txt", declared.Length, method: "PUT");
        using var http = new HttpClient();
        var body = new ByteArrayContent(UploadsClient.RandomBytes(6_000));
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(ticket.Headers!["Content-Type"]);
        using var put = await http.PutAsync(ticket.UploadUrl, body);

        var result = (await stack.Client.ConfirmAsync((ticket.FileId, declared.Length))).Results.Single();

        Assert.Equal(FileStatus.Pending, (await stack.Client.GetFileAsync(ticket.FileId)).Status);
        Assert.Equal(put.IsSuccessStatusCode ? "SIZE_MISMATCH" : "OBJECT_MISSING", result.Error?.Code);
    }

    [Theory]
    [InlineData("""{"filename":"a.txt","size":10,"method":"DELETE"}""", "method")]
    [InlineData("""{"filename":"a.txt","size":10,"method":"PUT\r\nX-Injected: 1"}""", "method")]
    [InlineData("""{"filename":"a.txt","method":"PUT"}""", "size")]
    public async Task A_request_with_an_unknown_method_or_a_PUT_without_size_is_answered_400(string body, string field)
    {
        using var response = await stack.Client.Http.PostAsync("/files/presigned-upload", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await Problems.ReadAsync(response)).Errors.Keys);
    }
}
