using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Uploads.Infrastructure.Security;

/// <summary>
/// Signing keys and tokens for development and tests: the AppHost makes the key, its <c>token</c> command and the
/// API's development-only endpoint mint tokens with it. Production tokens come from the identity provider.
/// </summary>
public static class DevelopmentTokens
{
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Mint(
        string signingKey, string issuer, string audience, string tenant, string user, TimeSpan lifetime, DateTimeOffset? now = null)
    {
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(TokenOptions.UserClaim, user), new Claim(TokenOptions.TenantClaim, tenant)]),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
