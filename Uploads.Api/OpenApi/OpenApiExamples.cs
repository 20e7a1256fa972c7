using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Uploads.Api.Events;
using Uploads.Api.Uploads;

namespace Uploads.Api.OpenApi;

/// <summary>Puts an example on each request and response schema of the files API, so the reference page shows real calls.</summary>
public static class OpenApiExamples
{
    static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(UploadRequest)] = """
            { "filename": "orders.csv", "external_id": "batch-42", "content_type": "text/csv", "size": 18324,
              "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }
            """,
        [typeof(UploadTicket)] = """
            { "file_id": "019a2051-9623-776a-b009-e33ac3144d31", "status": "PENDING", "upload_url": "http://127.0.0.1:9000/uploads/",
              "form_fields": { "Content-Type": "text/csv", "key": "files/019a20519623776ab009e33ac3144d31", "Policy": "eyJleHBpcmF0aW9uIjoi…",
                "x-amz-credential": "…/us-east-1/s3/aws4_request", "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-date": "20261122T211238Z",
                "x-amz-signature": "c4fa5c43…" },
              "expires_at": "2026-11-22T21:27:38Z", "deduplicated": false, "trace_id": "de566a24c0c52e2c758043bcde69d25c" }
            """,
        [typeof(ConfirmUploadsRequest)] = """
            { "files": [ { "file_id": "019a2051-9623-776a-b009-e33ac3144d31", "file_size": 18324 } ] }
            """,
        [typeof(ConfirmUploadsResponse)] = """
            { "confirmed": 1, "results": [ { "file_id": "019a2051-9623-776a-b009-e33ac3144d31", "status": "UPLOADED", "error": null } ],
              "trace_id": "c53f8098390897f2af9efa9685594e41" }
            """,
        [typeof(FileStatusEvent)] = """
            { "file_id": "019a2051-9623-776a-b009-e33ac3144d31", "status": "SYNCED", "at": "2026-11-22T21:12:49.589509Z", "reason": null }
            """,
    };

    public static OpenApiOptions AddFileExamples(this OpenApiOptions options) => options.AddSchemaTransformer((schema, context, _) =>
    {
        if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [JsonNode.Parse(example)!];
        }

        return Task.CompletedTask;
    });
}
