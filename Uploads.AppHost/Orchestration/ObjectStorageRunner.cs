using System.Security;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Util;
using Uploads.AppHost.ApplicationModel;

namespace Uploads.AppHost.Orchestration;

/// <summary>
/// Runs the storage server the model chose (s3rver, or MinIO where one is on PATH), with the bucket and a CORS rule
/// that lets pages of the resource's browser origins POST and PUT to it.
/// </summary>
public sealed class ObjectStorageRunner(ObjectStorageResource storage, OrchestrationContext context) : ProcessRunner(storage, context)
{
    protected override async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetFullPath(Context.DataDirectory(Name));
        Directory.CreateDirectory(dataDirectory);
        if (storage.Server == "minio")
        {
            await StartMinioAsync(dataDirectory, cancellationToken);
        }
        else
        {
            await StartS3rverAsync(dataDirectory, cancellationToken);
        }
    }

    async Task StartS3rverAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(storage.StorageServerDirectory, "node_modules", "s3rver")))
        {
            throw new ResourceStartException(
                $"s3rver is not installed in {storage.StorageServerDirectory}: run `npm ci` there (./run.sh and ./test.sh do).", "");
        }

        var objects = Path.Combine(dataDirectory, "objects");
        Directory.CreateDirectory(objects);
        var cors = Path.Combine(dataDirectory, "cors.xml");
        await File.WriteAllTextAsync(cors, CorsConfiguration(), cancellationToken);
        // s3rver (re)creates the bucket at every start, with the CORS rule; server.js also decodes copy sources as S3 does.
        var environment = storage.LocalEnvironment.ToDictionary(variable => variable.Key, string? (variable) => variable.Value);
        if (storage.Events is { } events)
        {
            environment["UPLOADS_STORAGE_EVENTS_URL"] = events.Url;
            environment["UPLOADS_STORAGE_EVENTS_SECRET"] = events.Secret.Resolve();
        }

        StartProcess("node", [Path.Combine(storage.StorageServerDirectory, "server.js"), objects, "127.0.0.1", storage.Port.ToString(), storage.Bucket, cors], environment);
        await WaitUntilAsync(ct => Probes.HttpOkAsync(new Uri($"{storage.Endpoint}/{storage.Bucket}"), ct), cancellationToken);
    }

    async Task StartMinioAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        StartProcess("minio", ["server", dataDirectory, "--address", $"127.0.0.1:{storage.Port}", "--console-address", $"127.0.0.1:{Ports.Free()}"],
            new Dictionary<string, string?>
            {
                ["MINIO_ROOT_USER"] = storage.AccessKey,
                ["MINIO_ROOT_PASSWORD"] = storage.SecretKey,
                ["MINIO_API_CORS_ALLOW_ORIGIN"] = string.Join(',', storage.BrowserOrigins.Select(o => o.Resolve())),
            });
        await WaitUntilAsync(ct => Probes.HttpOkAsync(new Uri($"{storage.Endpoint}/minio/health/ready"), ct), cancellationToken);

        using var s3 = new AmazonS3Client(
            new BasicAWSCredentials(storage.AccessKey, storage.SecretKey), new AmazonS3Config { ServiceURL = storage.Endpoint, ForcePathStyle = true });
        if (!await AmazonS3Util.DoesS3BucketExistV2Async(s3, storage.Bucket))
        {
            await s3.PutBucketAsync(storage.Bucket, cancellationToken);
        }
    }

    string CorsConfiguration()
    {
        var origins = string.Concat(storage.BrowserOrigins.Select(o => $"    <AllowedOrigin>{SecurityElement.Escape(o.Resolve())}</AllowedOrigin>\n"));
        return $"""
            <CORSConfiguration>
              <CORSRule>
            {origins}    <AllowedMethod>POST</AllowedMethod>
                <AllowedMethod>PUT</AllowedMethod>
                <AllowedHeader>*</AllowedHeader>
                <ExposeHeader>ETag</ExposeHeader>
                <MaxAgeSeconds>3600</MaxAgeSeconds>
              </CORSRule>
            </CORSConfiguration>
            """;
    }
}
