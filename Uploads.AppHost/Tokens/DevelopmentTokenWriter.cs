using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Uploads.AppHost.Tokens;

/// <summary>
/// Writes the development tokens the AppHost hands out: compact JWTs signed with HMAC-SHA256 (RFC 7519, RFC 7515),
/// with the issuer and audience the AppHost configures the API with. Small enough to write here, so that the AppHost
/// needs none of the services' code; the tests prove the API accepts what it writes.
/// </summary>
public static class DevelopmentTokenWriter
{
    public const string Issuer = "uploads";
    public const string Audience = "uploads-api";

    static readonly byte[] Header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "HS256", ["typ"] = "JWT" });

    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <param name="signingKey">Base64 of the HMAC key.</param>
    public static string Write(string signingKey, string tenant, string user, TimeSpan lifetime, DateTimeOffset now)
    {
        var issuedAt = now.ToUnixTimeSeconds();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = user,
            ["tenant"] = tenant,
            ["iat"] = issuedAt,
            ["nbf"] = issuedAt,
            ["exp"] = issuedAt + (long)lifetime.TotalSeconds,
        });
        var signed = $"{Base64Url.EncodeToString(Header)}.{Base64Url.EncodeToString(payload)}";
        var signature = HMACSHA256.HashData(Convert.FromBase64String(signingKey), Encoding.ASCII.GetBytes(signed));
        return $"{signed}.{Base64Url.EncodeToString(signature)}";
    }
}
