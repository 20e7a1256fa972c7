using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Infrastructure.Security;

namespace Uploads.Api.Security;

/// <param name="AccessToken">A bearer token for the demo tenant.</param>
/// <param name="Tenant">The tenant it names.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="TraceId">The request's W3C trace id.</param>
public sealed record DevelopmentToken(string AccessToken, string Tenant, DateTimeOffset ExpiresAt, string TraceId);

public static class DevelopmentTokenEndpoint
{
    const string DemoTenant = "demo";
    static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// GET /dev/token: a token for the demo tenant, so the upload page works out of the box. Mapped in Development only;
    /// in every other environment the route does not exist.
    /// </summary>
    public static IEndpointRouteBuilder MapDevelopmentTokens(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dev/token", IssueDemoToken)
            .WithTags("Development")
            .WithSummary("A token for the demo tenant (Development only)")
            .ExcludeFromDescription();
        return app;
    }

    static Ok<DevelopmentToken> IssueDemoToken(IOptions<TokenOptions> options, TimeProvider clock)
    {
        var tokens = options.Value;
        var now = clock.GetUtcNow();
        var token = DevelopmentTokens.Mint(tokens.SigningKeys[0], tokens.Issuer, tokens.Audience, DemoTenant, "web-page", Lifetime, now);
        return TypedResults.Ok(new DevelopmentToken(token, DemoTenant, now + Lifetime, TraceIds.Current));
    }
}
