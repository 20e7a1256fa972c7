using System.Text.Json;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

public sealed class OpenApiTests(UploadsStack stack)
{
    [Fact]
    public async Task The_OpenAPI_document_describes_every_endpoint_with_examples()
    {
        using var document = JsonDocument.Parse(await stack.Client.Http.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        var paths = root.GetProperty("paths");

        foreach (var (path, method) in new[]
        {
            ("/files/presigned-upload", "post"), ("/files/confirm-uploads", "post"), ("/files", "get"),
            ("/files/{fileId}", "get"), ("/files/{fileId}/content", "get"), ("/files/{fileId}/events", "get"),
        })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()), $"{method} {path} has a summary");
        }

        var schemas = root.GetProperty("components").GetProperty("schemas");
        foreach (var schema in new[] { "UploadRequest", "UploadTicket", "ConfirmUploadsRequest", "ConfirmUploadsResponse" })
        {
            Assert.True(schemas.GetProperty(schema).TryGetProperty("examples", out var examples) && examples.GetArrayLength() > 0, $"{schema} has an example");
        }

        Assert.True(schemas.GetProperty("UploadRequest").GetProperty("properties").TryGetProperty("external_id", out _), "the schema speaks snake_case");
    }

    [Fact]
    public async Task The_interactive_reference_is_served_in_development()
    {
        using var response = await stack.Client.Http.GetAsync("/scalar/v1");

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
