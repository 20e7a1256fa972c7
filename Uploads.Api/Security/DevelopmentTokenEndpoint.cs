using System.Net;
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
    public const string DemoTenant = "demo";
    static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// GET /dev/token: a token for the demo tenant, so the upload page works out of the box. Mapped in Development only
    /// (in every other environment the route does not exist), and even there it answers only a caller on this machine
    /// that names this machine (a loopback <c>Host</c>: a page on another site that rebinds its name to 127.0.0.1 gets
    /// nothing), and only while the signing keys are the AppHost's development keys.
    /// </summary>
    public static IEndpointRouteBuilder MapDevelopmentTokens(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dev/token", IssueDemoToken)
            .WithTags("Development")
            .WithSummary("A token for the demo tenant (Development only)")
            .ExcludeFromDescription();
        return app;
    }

    static Results<Ok<DevelopmentToken>, ProblemHttpResult> IssueDemoToken(HttpContext http, IOptions<TokenOptions> options, TimeProvider clock)
    {
        var tokens = options.Value;
        if (!tokens.DevelopmentKeys || http.Connection.RemoteIpAddress is not { } caller || !IPAddress.IsLoopback(caller)
            || !IsLoopbackName(http.Request.Host.Host))
        {
            return ApiProblemsExtensions.Problem(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found",
                "Development tokens are handed out to callers on this machine, with the AppHost's development keys only.");
        }

        var now = clock.GetUtcNow();
        var token = DevelopmentTokens.Mint(tokens.SigningKeys[0], tokens.Issuer, tokens.Audience, DemoTenant, "web-page", Lifetime, now);
        return TypedResults.Ok(new DevelopmentToken(token, DemoTenant, now + Lifetime, TraceIds.Current));
    }

    static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
