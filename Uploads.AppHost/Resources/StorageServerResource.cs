namespace Uploads.AppHost.Resources;

/// <summary>
/// S3-compatible object storage with one bucket: a <c>minio</c> server when one is on PATH, else s3rver (npm) through
/// our <c>server.js</c>, which is all this machine can install. Pages of the browser origins it is given may upload to
/// it straight; every object created is reported to the events URL it is given, as MinIO's webhook does.
/// </summary>
public sealed class StorageServerResource(string name, string server, string dataDirectory)
    : ExecutableResource(name, server == "minio" ? "minio" : "node", dataDirectory), IResourceWithConnectionString
{
    public const string EventsUrlVariable = "UPLOADS_STORAGE_EVENTS_URL";
    public const string EventsSecretVariable = "UPLOADS_STORAGE_EVENTS_SECRET";

    /// <summary><c>s3rver</c> or <c>minio</c>.</summary>
    public string Server { get; } = server;
    public string DataDirectory { get; } = dataDirectory;
    public string Bucket { get; set; } = "uploads";

    /// <summary>s3rver's fixed credentials, or the root user this AppHost gives a local MinIO.</summary>
    public string AccessKey => Server == "minio" ? "uploads-dev" : "S3RVER";
    public string SecretKey => Server == "minio" ? "uploads-dev-secret" : "S3RVER";

    public EndpointReference Endpoint => new(this, "http");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={Endpoint.Property(EndpointProperty.Url)};AccessKey={AccessKey};SecretKey={SecretKey}");

    /// <summary>The origins whose pages may POST and PUT to the bucket (CORS).</summary>
    public List<ReferenceExpression> BrowserOrigins { get; } = [];
}
