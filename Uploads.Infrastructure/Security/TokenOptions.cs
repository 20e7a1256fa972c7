using System.ComponentModel.DataAnnotations;

namespace Uploads.Infrastructure.Security;

/// <summary>How the API validates bearer tokens (JWT): who issues them, for whom, and the keys that sign them.</summary>
public sealed class TokenOptions
{
    public const string Section = "Authentication:Tokens";

    /// <summary>The claim naming the tenant that owns what the caller touches.</summary>
    public const string TenantClaim = "tenant";

    /// <summary>The claim naming the user.</summary>
    public const string UserClaim = "sub";

    [Required]
    public string Issuer { get; set; } = "uploads";

    [Required]
    public string Audience { get; set; } = "uploads-api";

    /// <summary>Base64 HMAC-SHA256 keys, each of at least 256 bits; several during a key rotation.</summary>
    public string[] SigningKeys { get; set; } = [];

    /// <summary>An OpenID Connect authority whose published keys sign the tokens, instead of <see cref="SigningKeys"/>.</summary>
    public Uri? Authority { get; set; }

    /// <summary>Set by the AppHost on the keys it generates, so that Production refuses them.</summary>
    public bool DevelopmentKeys { get; set; }
}
