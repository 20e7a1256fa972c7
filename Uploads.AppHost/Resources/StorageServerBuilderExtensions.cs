using System.Security;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Util;

namespace Uploads.AppHost.Resources;

public static class StorageServerBuilderExtensions
{
    /// <param name="storageServerDirectory">Our s3rver entry point (<c>server.js</c>) and the <c>node_modules</c> <c>npm ci</c> installs.</param>
    public static IResourceBuilder<StorageServerResource> AddStorageServer(
        this IDistributedApplicationBuilder builder, string name, string stateDirectory, string storageServerDirectory, int? port)
    {
        var server = FindOnPath("minio") is null ? "s3rver" : "minio";
        var storage = new StorageServerResource(name, server, Directory.CreateDirectory(Path.Combine(stateDirectory, name)).FullName);
        var resource = builder.AddResource(storage)
            .WithLocalEndpoint("http", "http", port)
            .WithIconName("Storage")
            .WithProbe(async cancellationToken =>
                await Probes.HttpOkAsync(server == "minio" ? $"{storage.Endpoint.Url}/minio/health/ready" : $"{storage.Endpoint.Url}/{storage.Bucket}", cancellationToken));

        if (server == "minio")
        {
            builder.Eventing.Subscribe<ResourceReadyEvent>(storage, (_, cancellationToken) => CreateBucketAsync(storage, cancellationToken));
            return resource
                .WithArgs(context =>
                {
                    context.Args.Add("server");
                    context.Args.Add(Path.Combine(storage.DataDirectory, "objects"));
                    context.Args.Add("--address");
                    context.Args.Add(ReferenceExpression.Create($"127.0.0.1:{storage.Endpoint.ListenPort()}"));
                })
                .WithEnvironment("MINIO_ROOT_USER", storage.AccessKey)
                .WithEnvironment("MINIO_ROOT_PASSWORD", storage.SecretKey)
                .WithEnvironment(context => context.EnvironmentVariables["MINIO_API_CORS_ALLOW_ORIGIN"] = CommaSeparated(storage.BrowserOrigins));
        }

        var cors = Path.Combine(storage.DataDirectory, "cors.xml");
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(storage, async (_, cancellationToken) =>
        {
            if (!Directory.Exists(Path.Combine(storageServerDirectory, "node_modules", "s3rver")))
            {
                throw new InvalidOperationException($"s3rver is not installed in {storageServerDirectory}: run `npm ci` there (./run.sh and ./test.sh do).");
            }

            await File.WriteAllTextAsync(cors, await CorsConfigurationAsync(storage, cancellationToken), cancellationToken);
        });
        // s3rver (re)creates the bucket at every start, with the CORS rule; server.js puts right what s3rver gets wrong.
        return resource.WithArgs(context =>
        {
            context.Args.Add(Path.Combine(storageServerDirectory, "server.js"));
            context.Args.Add(Path.Combine(storage.DataDirectory, "objects"));
            context.Args.Add("127.0.0.1");
            context.Args.Add(storage.Endpoint.ListenPort());
            context.Args.Add(storage.Bucket);
            context.Args.Add(cors);
        });
    }

    /// <summary>Lets a page served from <paramref name="origin"/> POST and PUT files straight to the bucket.</summary>
    public static IResourceBuilder<StorageServerResource> WithBrowserOrigin(this IResourceBuilder<StorageServerResource> storage, ReferenceExpression origin)
    {
        storage.Resource.BrowserOrigins.Add(origin);
        return storage;
    }

    /// <summary>Reports every object created to <paramref name="url"/>, with <paramref name="secret"/> as its bearer token.</summary>
    public static IResourceBuilder<StorageServerResource> WithEventsTo(this IResourceBuilder<StorageServerResource> storage, ReferenceExpression url, string secret) =>
        storage.Resource.Server == "minio"
            ? storage.WithEnvironment("MINIO_NOTIFY_WEBHOOK_ENABLE_UPLOADS", "on")
                .WithEnvironment("MINIO_NOTIFY_WEBHOOK_ENDPOINT_UPLOADS", url)
                .WithEnvironment("MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_UPLOADS", secret)
            : storage.WithEnvironment(StorageServerResource.EventsUrlVariable, url)
                .WithEnvironment(StorageServerResource.EventsSecretVariable, secret);

    static ReferenceExpression CommaSeparated(IEnumerable<ReferenceExpression> values)
    {
        var list = new ReferenceExpressionBuilder();
        foreach (var (value, index) in values.Select((value, index) => (value, index)))
        {
            if (index > 0)
            {
                list.AppendLiteral(",");
            }

            list.AppendFormatted(value);
        }

        return list.Build();
    }

    static async Task<string> CorsConfigurationAsync(StorageServerResource storage, CancellationToken cancellationToken)
    {
        var origins = new List<string>();
        foreach (var origin in storage.BrowserOrigins)
        {
            origins.Add($"    <AllowedOrigin>{SecurityElement.Escape(await origin.GetValueAsync(cancellationToken))}</AllowedOrigin>\n");
        }

        return $"""
            <CORSConfiguration>
              <CORSRule>
            {string.Concat(origins)}    <AllowedMethod>POST</AllowedMethod>
                <AllowedMethod>PUT</AllowedMethod>
                <AllowedHeader>*</AllowedHeader>
                <ExposeHeader>ETag</ExposeHeader>
                <MaxAgeSeconds>3600</MaxAgeSeconds>
              </CORSRule>
            </CORSConfiguration>
            """;
    }

    static async Task CreateBucketAsync(StorageServerResource storage, CancellationToken cancellationToken)
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(storage.AccessKey, storage.SecretKey),
            new AmazonS3Config { ServiceURL = storage.Endpoint.Url, ForcePathStyle = true });
        if (!await AmazonS3Util.DoesS3BucketExistV2Async(s3, storage.Bucket))
        {
            await s3.PutBucketAsync(storage.Bucket, cancellationToken);
        }
    }

    static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
