using System.Security.Claims;
using System.Text.RegularExpressions;
using Uploads.Infrastructure.Security;

namespace Uploads.Api.Security;

public static partial class Tenants
{
    /// <summary>A tenant id as it may appear in an object key: letters, digits, '-' and '_', at most 64.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    public static partial Regex ValidId();

    /// <summary>The tenant of an authenticated caller; the token's validation made sure it is there and well-formed.</summary>
    public static string TenantId(this ClaimsPrincipal user) =>
        user.FindFirstValue(TokenOptions.TenantClaim) ?? throw new InvalidOperationException("The caller has no tenant.");
}
