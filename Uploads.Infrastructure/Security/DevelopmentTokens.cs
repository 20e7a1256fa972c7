using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Uploads.Infrastructure.Security;

/// <summary>
/// The tokens the API's development-only endpoint mints, with the key the AppHost made (the AppHost mints its own with
/// a JWT writer of its own, <c>Uploads.AppHost/Tokens</c>). Production tokens come from the identity provider.
/// </summary>
public static class DevelopmentTokens
{
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
