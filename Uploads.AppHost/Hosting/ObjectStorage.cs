using System.Security;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Util;
using Uploads.AppHost.Publishing;

namespace Uploads.AppHost.Hosting;

/// <summary>
/// S3-compatible object storage: a <c>minio</c> server when one is on PATH, else s3rver (npm), which is all this
/// machine can install. Both get the bucket, and a CORS rule that lets browsers on the given origins POST to it.
/// </summary>
public sealed class ObjectStorageResource(string name, int port, string s3rverScript) : ProcessResource(name), IResourceWithConnectionString
{
    readonly List<EnvironmentValue> browserOrigins = [];
    string accessKey = "S3RVER";
    string secretKey = "S3RVER";

    public int Port { get; } = port;
    public string Bucket { get; private set; } = "uploads";
    public string Server { get; private set; } = FindOnPath("minio") is null ? "s3rver" : "minio";
    public override string Kind => $"storage ({Server})";
    public override string Endpoint => $"http://127.0.0.1:{Port}";
    public string ConnectionString => $"Endpoint={Endpoint};AccessKey={accessKey};SecretKey={secretKey}";

    public ObjectStorageResource WithBucket(string bucket)
    {
        Bucket = bucket;
        return this;
    }

    /// <summary>Lets a page served from <paramref name="origin"/> POST files straight to the bucket.</summary>
    public ObjectStorageResource WithBrowserOrigin(EnvironmentValue origin)
    {
        browserOrigins.Add(origin);
        return this;
    }

    protected override async Task StartCoreAsync(ResourceContext context, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetFullPath(context.DataDirectory(Name));
        Directory.CreateDirectory(dataDirectory);
        if (Server == "minio")
        {
            await StartMinioAsync(context, dataDirectory, cancellationToken);
        }
        else
        {
            await StartS3rverAsync(context, dataDirectory, cancellationToken);
        }
    }

    async Task StartS3rverAsync(ResourceContext context, string dataDirectory, CancellationToken cancellationToken)
    {
        if (!File.Exists(s3rverScript))
        {
            throw new ResourceStartException(
                $"s3rver is not installed at {s3rverScript}: run `npm ci` in Uploads.AppHost/StorageServer (./run.sh and ./test.sh do).", "");
        }

        var objects = Path.Combine(dataDirectory, "objects");
        Directory.CreateDirectory(objects);
        var cors = Path.Combine(dataDirectory, "cors.xml");
        await File.WriteAllTextAsync(cors, CorsConfiguration(), cancellationToken);
        // s3rver (re)creates the bucket from --configure-bucket at every start, with the CORS rule.
        StartProcess(context, "node", [s3rverScript, "-d", objects, "-a", "127.0.0.1", "-p", Port.ToString(), "--configure-bucket", Bucket, cors]);
        await WaitUntilAsync(ct => Probes.HttpOkAsync(new Uri($"{Endpoint}/{Bucket}"), ct), cancellationToken);
    }

    async Task StartMinioAsync(ResourceContext context, string dataDirectory, CancellationToken cancellationToken)
    {
        (accessKey, secretKey) = ("uploads-dev", "uploads-dev-secret");
        StartProcess(context, "minio", ["server", dataDirectory, "--address", $"127.0.0.1:{Port}", "--console-address", $"127.0.0.1:{Ports.Free()}"],
            new Dictionary<string, string?>
            {
                ["MINIO_ROOT_USER"] = accessKey,
                ["MINIO_ROOT_PASSWORD"] = secretKey,
                ["MINIO_API_CORS_ALLOW_ORIGIN"] = string.Join(',', browserOrigins.Select(o => o.Resolve())),
            });
        await WaitUntilAsync(ct => Probes.HttpOkAsync(new Uri($"{Endpoint}/minio/health/ready"), ct), cancellationToken);

        using var s3 = new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true });
        if (!await AmazonS3Util.DoesS3BucketExistV2Async(s3, Bucket))
        {
            await s3.PutBucketAsync(Bucket, cancellationToken);
        }
    }

    /// <summary>
    /// MinIO, with the bucket created by a one-shot <c>{name}-init</c> job and left private: nothing sets an anonymous
    /// policy, so every read and write needs a signature (a presigned URL, or the services' keys).
    /// </summary>
    public override void Publish(PublishContext context)
    {
        var accessKey = context.Expression(new ParameterResource($"{Name}-access-key", Secret: true, "MinIO's root user (the services' access key)."));
        var secretKey = context.Expression(new ParameterResource($"{Name}-secret-key", Secret: true, "MinIO's root password (the services' secret key); 8 characters or more."));
        context.Add(Name, new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.Minio,
            ConnectionString = $"Endpoint={{{Name}.bindings.http.url}};AccessKey={accessKey};SecretKey={secretKey}",
            Args = ["server", "/data", "--console-address", ":9001"],
            Env = new()
            {
                ["MINIO_ROOT_USER"] = accessKey,
                ["MINIO_ROOT_PASSWORD"] = secretKey,
                ["MINIO_API_CORS_ALLOW_ORIGIN"] = string.Join(',', browserOrigins.Select(context.Expression)),
            },
            Bindings = new()
            {
                // Browsers POST and PUT uploads here, through the public endpoint the API signs URLs for.
                ["http"] = new("http", "tcp", "http", 9000, External: true),
                ["console"] = new("http", "tcp", "http", 9001),
            },
            Volumes = [new($"{Name}-data", "/data")],
            Deployment = new(HealthCheck: ["CMD", "mc", "ready", "local"]),
        });
        context.Add($"{Name}-init", new ManifestResource
        {
            Type = "container.v0",
            Image = ContainerImages.MinioClient,
            Args = ["mb", "--ignore-existing", $"storage/{Bucket}"],
            Env = new() { ["MC_HOST_storage"] = $"http://{accessKey}:{secretKey}@{{{Name}.bindings.http.host}}:{{{Name}.bindings.http.port}}" },
            Deployment = new(DependsOn: [Name], RunsToCompletion: true),
        });
    }

    string CorsConfiguration()
    {
        var origins = string.Concat(browserOrigins.Select(o => $"    <AllowedOrigin>{SecurityElement.Escape(o.Resolve())}</AllowedOrigin>\n"));
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

    static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}

public static class ObjectStorageBuilderExtensions
{
    public static ObjectStorageResource AddObjectStorage(this DistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new ObjectStorageResource(name, builder.Options.PortFor(name), AppHostPaths.S3rverScript));
}
