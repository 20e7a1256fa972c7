namespace Uploads.AppHost.ApplicationModel;

/// <summary>
/// S3-compatible object storage with one bucket: a <c>minio</c> server when one is on PATH, else s3rver (npm), which is
/// all this machine can install. Pages of the browser origins it is given may upload to it straight.
/// </summary>
/// <param name="storageServerDirectory">Our s3rver entry point (<c>server.js</c>) and the <c>node_modules</c> <c>npm ci</c> installs.</param>
public sealed class ObjectStorageResource(string name, int port, string storageServerDirectory) : Resource(name), IResourceWithConnectionString
{
    public int Port { get; } = port;
    public string StorageServerDirectory { get; } = storageServerDirectory;
    public string Bucket { get; private set; } = "uploads";
    public string Server { get; } = FindOnPath("minio") is null ? "s3rver" : "minio";

    /// <summary>s3rver's fixed credentials, or the root user this AppHost gives a local MinIO.</summary>
    public string AccessKey => Server == "minio" ? "uploads-dev" : "S3RVER";
    public string SecretKey => Server == "minio" ? "uploads-dev-secret" : "S3RVER";

    public override string Kind => $"storage ({Server})";
    public override string Endpoint => $"http://127.0.0.1:{Port}";
    public string ConnectionString => $"Endpoint={Endpoint};AccessKey={AccessKey};SecretKey={SecretKey}";

    public IEnumerable<EnvironmentValue> BrowserOrigins => Annotations.OfType<BrowserOriginAnnotation>().Select(a => a.Origin);

    /// <summary>Where the storage reports created objects; none, and only clients confirm uploads.</summary>
    public StorageEventsAnnotation? Events => Annotations.OfType<StorageEventsAnnotation>().LastOrDefault();

    public ObjectStorageResource WithBucket(string bucket)
    {
        Bucket = bucket;
        return this;
    }

    /// <summary>Lets a page served from <paramref name="origin"/> POST and PUT files straight to the bucket.</summary>
    public ObjectStorageResource WithBrowserOrigin(EnvironmentValue origin)
    {
        Annotate(new BrowserOriginAnnotation(origin));
        return this;
    }

    /// <summary>Reports every object created to <paramref name="target"/>'s <paramref name="path"/>, authenticated by <paramref name="secret"/>.</summary>
    public ObjectStorageResource WithEventsTo(ProjectResource target, string path, EnvironmentValue secret)
    {
        Annotate(new StorageEventsAnnotation(target, path, secret));
        return this;
    }

    /// <summary>
    /// Variables given to the local storage process only (never published): tests load a module into s3rver this way
    /// (<c>NODE_OPTIONS=--require …</c>) to make it refuse chosen requests and count what it received.
    /// </summary>
    public IReadOnlyDictionary<string, string> LocalEnvironment =>
        Annotations.OfType<EnvironmentAnnotation>().ToDictionary(variable => variable.Name, variable => variable.Value.Resolve());

    public ObjectStorageResource WithLocalEnvironment(string name, string value)
    {
        Annotate(new EnvironmentAnnotation(name, value));
        return this;
    }

    /// <summary>Sends the events through <paramref name="url"/> (a proxy in front of the target) when run locally.</summary>
    public ObjectStorageResource WithEventsRoutedThrough(string url)
    {
        var events = Events ?? throw new InvalidOperationException($"{Name} reports no events to route.");
        Annotate(events with { LocalUrl = url });
        return this;
    }

    static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
