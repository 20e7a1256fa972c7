namespace Uploads.AppHost.ApplicationModel;

/// <summary>
/// A ClamAV daemon (clamd) that scans what the worker streams to it over TCP (<c>INSTREAM</c>). Locally it loads the
/// signature files it is given, since <c>freshclam</c> cannot reach its mirrors here; a deployment runs the official
/// image, which keeps the real signatures up to date.
/// </summary>
public sealed class ScannerResource(string name, int port) : Resource(name), IResourceWithConnectionString
{
    /// <summary>
    /// The longest stream clamd scans, in MiB; the worker refuses a larger file rather than pass it unscanned. clamd 1.4
    /// scans at most 2 GiB − 1 byte of one file (it says so at start when configured higher), so this stays below.
    /// </summary>
    public const int MaxStreamMegabytes = 2047;

    public int Port { get; } = port;
    public override string Kind => "clamav";
    public override string Endpoint => $"tcp://127.0.0.1:{Port}";
    public string ConnectionString => Endpoint;
    public static long MaxStreamBytes => MaxStreamMegabytes * 1024L * 1024;

    /// <summary>The clamd.conf lines that hold it to that limit, wherever it runs: a stream, a scan and a file alike.</summary>
    public static string StreamLimits => $"""
        StreamMaxLength {MaxStreamMegabytes}M
        MaxScanSize {MaxStreamMegabytes}M
        MaxFileSize {MaxStreamMegabytes}M
        """;

    public IEnumerable<string> SignatureFiles => Annotations.OfType<SignatureFileAnnotation>().Select(a => a.Path);

    /// <summary>A signature file (<c>.ndb</c>, <c>.hdb</c>, …) clamd loads when it runs locally.</summary>
    public ScannerResource WithSignatures(string path)
    {
        Annotate(new SignatureFileAnnotation(path));
        return this;
    }
}
