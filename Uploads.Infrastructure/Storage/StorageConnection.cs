using System.Data.Common;

namespace Uploads.Infrastructure.Storage;

/// <summary>
/// The storage connection string, in the shape Aspire's MinIO integration uses:
/// <c>Endpoint=http://127.0.0.1:9000;AccessKey=…;SecretKey=…</c> (and optionally <c>Region=…</c>).
/// </summary>
public sealed record StorageConnection(Uri Endpoint, string AccessKey, string SecretKey, string Region)
{
    public static StorageConnection Parse(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string Required(string key) => parts.TryGetValue(key, out var value) && value is string text && text.Length > 0
            ? text
            : throw new FormatException($"The storage connection string has no '{key}'.");

        var region = parts.TryGetValue("Region", out var r) && r is string text && text.Length > 0 ? text : "us-east-1";
        return new StorageConnection(new Uri(Required("Endpoint")), Required("AccessKey"), Required("SecretKey"), region);
    }

    public override string ToString() => $"Endpoint={Endpoint};AccessKey={AccessKey};SecretKey={SecretKey};Region={Region}";
}
