namespace Uploads.Infrastructure.Scanning;

/// <summary>Where clamd listens, from its connection string (<c>tcp://host:port</c>, as the AppHost hands it over).</summary>
public sealed record ScannerEndpoint(string Host, int Port)
{
    public static ScannerEndpoint Parse(string connectionString) =>
        Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port > 0
            ? new ScannerEndpoint(uri.Host, uri.Port)
            : throw new InvalidOperationException($"The scanner's connection string is tcp://host:port, not '{connectionString}'.");

    public override string ToString() => $"tcp://{Host}:{Port}";
}
