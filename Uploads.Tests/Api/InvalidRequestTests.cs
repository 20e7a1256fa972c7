using Uploads.Domain.Files;
using System.Net;
using System.Text;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

public sealed class InvalidRequestTests(UploadsStack stack)
{
    public static TheoryData<string, string, int, string, string?> Requests => new()
    {
        // endpoint, body, status, code, offending field
        { "presigned-upload", """{}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":""}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"../../x"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"a\\b.txt"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"nul\u0000.txt"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", $$"""{"filename":"{{new string('x', 256)}}"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", $$"""{"filename":"{{new string('x', 10 * 1024)}}"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"   "}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":".."}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"invoice\u202Efdp.exe"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"a\u200B.csv"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"\uFEFFa.csv"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"a\r\nb.csv"}""", 400, "VALIDATION_FAILED", "filename" },
        { "presigned-upload", """{"filename":"a\uD800.csv"}""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """{"filename":"a.csv","external_id":"batch\u2066-42"}""", 400, "VALIDATION_FAILED", "external_id" },
        { "presigned-upload", """{"filename":"a.csv","external_id":"nul\u0000"}""", 400, "VALIDATION_FAILED", "external_id" },
        { "presigned-upload", """{"filename":"a.csv","content_type":"text/csv; charset=\"a\u0000b\""}""", 400, "VALIDATION_FAILED", "content_type" },
        { "presigned-upload", """{"filename":"a.csv","content_type":"text/csv; x=\"a\r\nb\""}""", 400, "VALIDATION_FAILED", "content_type" },
        { "presigned-upload", """{"filename":"a.csv","content_type":"text/csv; x=a\r\nSet-Cookie: y=1"}""", 400, "VALIDATION_FAILED", "content_type" },
        { "presigned-upload", $$"""{"filename":"a.csv","content_type":"text/csv; x={{new string('p', 300)}}"}""", 400, "VALIDATION_FAILED", "content_type" },
        { "presigned-upload", $$"""{"filename":"a.csv","content_type":"text/csv; x={{new string('p', 10 * 1024)}}"}""", 400, "VALIDATION_FAILED", "content_type" },
        { "multipart-upload", """{"filename":"a\u202E.bin","size":10}""", 400, "VALIDATION_FAILED", "filename" },
        { "multipart-upload", """{"filename":"a.bin","size":10,"content_type":"application/octet-stream; x=\"\u0000\""}""", 400, "VALIDATION_FAILED", "content_type" },
        { "presigned-upload", """{"filename":"a.csv","size":-1}""", 400, "VALIDATION_FAILED", "size" },
        { "presigned-upload", """{"filename":"a.csv","sha256":"abc"}""", 400, "VALIDATION_FAILED", "sha256" },
        { "presigned-upload", $$"""{"filename":"a.csv","sha256":"{{new string('g', 64)}}"}""", 400, "VALIDATION_FAILED", "sha256" },
        { "presigned-upload", $$"""{"filename":"a.csv","external_id":"{{new string('e', 129)}}"}""", 400, "VALIDATION_FAILED", "external_id" },
        { "presigned-upload", """{"filename":"a.csv","content_type":"not a type"}""", 400, "VALIDATION_FAILED", "content_type" },
        { "presigned-upload", """{"filename":"a.csv","size":99999999999999}""", 413, "FILE_TOO_LARGE", null },
        { "presigned-upload", """{"filename":"a.exe","content_type":"application/x-msdownload"}""", 415, "UNSUPPORTED_CONTENT_TYPE", null },
        { "presigned-upload", """{"filename":"a.csv","size":"big"}""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """{"filename":"a.csv","size":1e400}""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """{"filename":"a.csv","size":9223372036854775808}""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """{"filename":"a.csv","size":1.5}""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """{"filename":"a.csv","sha256":12}""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """["a.csv"]""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """null""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """{"filename":42}""", 400, "INVALID_REQUEST", null },
        { "presigned-upload", """{"filename":"a.csv" """, 400, "INVALID_REQUEST", null },
        { "presigned-upload", "", 400, "INVALID_REQUEST", null },
        { "confirm-uploads", """{}""", 400, "VALIDATION_FAILED", "files" },
        { "confirm-uploads", """{"files":[]}""", 400, "VALIDATION_FAILED", "files" },
        { "confirm-uploads", """{"files":[{"file_size":1}]}""", 400, "VALIDATION_FAILED", "files[0].file_id" },
        { "confirm-uploads", """{"files":[{"file_id":"0f8fad5b-d9cb-469f-a165-70867728950e","file_size":-5}]}""", 400, "VALIDATION_FAILED", "files[0].file_size" },
        { "confirm-uploads", """{"files":[{"file_id":"0f8fad5b-d9cb-469f-a165-70867728950e","file_size":1},{"file_id":"0f8fad5b-d9cb-469f-a165-70867728950e","file_size":1}]}""", 400, "VALIDATION_FAILED", "files[1].file_id" },
        { "confirm-uploads", $$"""{"files":[{{string.Join(",", Enumerable.Repeat("""{"file_id":"0f8fad5b-d9cb-469f-a165-70867728950e","file_size":1}""", 101))}}]}""", 400, "VALIDATION_FAILED", "files" },
        { "confirm-uploads", """{"files":[{"file_id":"not-a-uuid","file_size":1}]}""", 400, "INVALID_REQUEST", null },
        { "confirm-uploads", """{"files":"all"}""", 400, "INVALID_REQUEST", null },
        { "confirm-uploads", """{"files":[{"file_id":"0f8fad5b-d9cb-469f-a165-70867728950e","file_size":99999999999999999999}]}""", 400, "INVALID_REQUEST", null },
        { "confirm-uploads", """{"files":[null]}""", 400, "VALIDATION_FAILED", "files[0].file_id" },
        { "confirm-uploads", "", 400, "INVALID_REQUEST", null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Invalid_input_gets_a_problem_with_code_and_trace_and_changes_nothing(
        string endpoint, string body, int status, string code, string? field)
    {
        // A tenant of its own: what the request could have written is counted apart from the other tests running meanwhile.
        var tenant = $"invalid-{Guid.NewGuid():N}"[..24];
        var client = stack.ClientFor(tenant);
        var filesBefore = await FilesOfAsync(tenant);
        var transitionsBefore = await TransitionsOfAsync(tenant);

        using var response = await client.Http.PostAsync($"/files/{endpoint}", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await Problems.ReadAsync(response);
        Assert.Equal(code, problem.Code);
        if (field is not null)
        {
            Assert.Contains(field, problem.Errors.Keys);
        }

        Assert.True(response.Headers.Contains("traceparent"));
        Assert.Equal(filesBefore, await FilesOfAsync(tenant));
        Assert.Equal(transitionsBefore, await TransitionsOfAsync(tenant));
    }

    Task<long> FilesOfAsync(string tenant) => stack.CountAsync("SELECT count(*) FROM files WHERE tenant_id = @tenant", ("tenant", tenant));

    Task<long> TransitionsOfAsync(string tenant) => stack.CountAsync(
        "SELECT count(*) FROM file_transitions t JOIN files f ON f.id = t.file_id WHERE f.tenant_id = @tenant", ("tenant", tenant));

    [Fact]
    public async Task A_body_that_is_not_json_gets_415_problem_details()
    {
        using var response = await stack.Client.Http.PostAsync("/files/presigned-upload", new StringContent("filename=a.csv", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", (await Problems.ReadAsync(response)).Code);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_problem_details()
    {
        var huge = $$"""{"filename":"{{new string('x', 10 * 1024 * 1024)}}"}""";

        // Expect: 100-continue lets the API refuse before the body is sent, instead of the client writing into a closed connection.
        var request = new HttpRequestMessage(HttpMethod.Post, "/files/presigned-upload") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true;
        using var response = await stack.Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("REQUEST_TOO_LARGE", (await Problems.ReadAsync(response)).Code);
    }

    [Theory]
    [InlineData("GET", "/files/not-a-uuid", 404, "NOT_FOUND")]
    [InlineData("GET", "/nothing-here", 404, "NOT_FOUND")]
    [InlineData("DELETE", "/files/presigned-upload", 405, "METHOD_NOT_ALLOWED")]
    [InlineData("GET", "/files/0f8fad5b-d9cb-469f-a165-70867728950e/content", 404, "FILE_NOT_FOUND")]
    public async Task Unknown_routes_methods_and_files_get_problem_details(string method, string path, int status, string code)
    {
        using var response = await stack.Client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (await Problems.ReadAsync(response)).Code);
    }

    [Theory]
    [InlineData("/files?external_id=%00", "external_id")]
    [InlineData("/files?external_id=a%0D%0Ab", "external_id")]
    [InlineData("/files?external_id=%E2%80%AEfdp", "external_id")]
    [InlineData("/files?external_id=%EF%BB%BFbatch", "external_id")]
    [InlineData("/files?external_id=batch%E2%80%8B42", "external_id")]
    [InlineData("/files?status=SYNCED%00", "status")]
    [InlineData("/files?cursor=%00", "cursor")]
    public async Task Hostile_query_parameters_get_400_problem_details(string path, string field)
    {
        using var response = await stack.Client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problems.ReadAsync(response);
        Assert.Equal("VALIDATION_FAILED", problem.Code);
        Assert.Contains(field, problem.Errors.Keys);
    }

    [Fact]
    public async Task A_long_external_id_in_a_listing_gets_400_and_ten_thousand_bytes_get_414()
    {
        using var tooLong = await stack.Client.Http.GetAsync($"/files?external_id={new string('e', 4_000)}");
        using var hostile = await stack.Client.Http.GetAsync($"/files?external_id={new string('e', 10_000)}");

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("external_id", (await Problems.ReadAsync(tooLong)).Errors.Keys);
        // Kestrel refuses a request line this long before any code of ours runs.
        Assert.Equal(HttpStatusCode.RequestUriTooLong, hostile.StatusCode);
    }

    [Theory]
    [InlineData("日本語のファイル.txt")]
    [InlineData("naïve résumé.txt")]
    [InlineData("..hidden.txt")]
    public async Task Unicode_and_odd_but_harmless_filenames_are_accepted_and_kept(string filename)
    {
        var ticket = await stack.Client.RequestUploadAsync(filename, 10);

        Assert.Equal(filename, (await stack.Client.GetFileAsync(ticket.FileId)).Filename);
        Assert.Equal(ObjectKeys.UploadFor(UploadsStack.Tenant, ticket.FileId), ticket.FormFields!["key"]);
    }

    [Fact]
    public async Task A_valid_request_answers_201_with_location_upload_fields_and_trace()
    {
        using var response = await stack.Client.PostJsonAsync("/files/presigned-upload", new { filename = "orders.csv", size = 18324 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var ticket = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<UploadTicket>(response.Content, UploadsClient.Json))!;
        Assert.Equal($"/files/{ticket.FileId}", response.Headers.Location?.ToString());
        Assert.Equal("text/csv", ticket.FormFields!["Content-Type"]);
        Assert.Equal(ObjectKeys.UploadFor(UploadsStack.Tenant, ticket.FileId), ticket.FormFields["key"]);
        Assert.Contains("x-amz-signature", ticket.FormFields.Keys);
        Assert.Matches("^[0-9a-f]{32}$", ticket.TraceId);
        Assert.StartsWith($"00-{ticket.TraceId}-", response.Headers.GetValues("traceparent").Single());
        Assert.InRange(ticket.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
    }
}
