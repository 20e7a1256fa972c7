namespace Uploads.AppHost.Resources;

/// <summary>
/// Debian's ClamAV daemon (clamd), scanning what the worker streams to it over TCP (<c>INSTREAM</c>). It loads the
/// signature files it is given, since <c>freshclam</c> cannot reach its mirrors here; a deployment runs the official
/// image, which keeps the real signatures up to date.
/// </summary>
public sealed class ScannerResource(string name, string home, int port)
    : ExecutableResource(name, "/usr/sbin/clamd", home), IResourceWithConnectionString
{
    /// <summary>
    /// The longest stream clamd scans, in MiB; the worker refuses a larger file rather than pass it unscanned. clamd 1.4
    /// scans at most 2 GiB − 1 byte of one file (it says so at start when configured higher), so this stays below.
    /// </summary>
    public const int MaxStreamMegabytes = 2047;

    public static long MaxStreamBytes => MaxStreamMegabytes * 1024L * 1024;

    /// <summary>All that clamd scans of one file, what it extracts included: below the 4 GiB its counters hold.</summary>
    public const int MaxScanMegabytes = 4000;

    /// <summary>
    /// The clamd.conf lines that hold it to that limit, wherever it runs: a stream and a file alike. What clamd cannot
    /// look into is never passed as clean: content past any of its limits (these sizes; an archive nested over 17 levels
    /// or holding over 10,000 files; a scan over ten minutes) is reported as <c>Heuristics.Limits.Exceeded.*</c>, an
    /// encrypted archive or document as <c>Heuristics.Encrypted.*</c>. <c>MaxScanSize</c> counts what clamd extracts
    /// besides the stream itself (a file near the stream limit holds embedded content it unpacks too), so it is about
    /// twice the stream's: at the stream's own size, a 2 GB file of random bytes exceeded it and was refused.
    /// </summary>
    public static string StreamLimits => $"""
        StreamMaxLength {MaxStreamMegabytes}M
        MaxScanSize {MaxScanMegabytes}M
        MaxFileSize {MaxStreamMegabytes}M
        MaxRecursion 17
        MaxFiles 10000
        MaxScanTime 600000
        AlertExceedsMax yes
        AlertEncrypted yes
        """;

    public string Home { get; } = home;

    /// <summary>clamd reads its port from its configuration file only, so it is fixed when the model is built.</summary>
    public int Port { get; } = port;

    public List<string> SignatureFiles { get; } = [];
    public EndpointReference Endpoint => new(this, "tcp");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"tcp://{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
