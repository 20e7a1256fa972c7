using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Uploads.Infrastructure.Security;

namespace Uploads.Api.Security;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Every call under /files carries a bearer token from the configured issuer, for this audience, signed by a configured
    /// key (or the authority's), not expired, naming a user and a well-formed tenant.
    /// </summary>
    public static IHostApplicationBuilder AddTokenAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TokenOptions>()
            .BindConfiguration(TokenOptions.Section)
            .ValidateDataAnnotations()
            .Validate(tokens => tokens.Authority is not null || tokens.SigningKeys.Length > 0, "Configure Authentication:Tokens:SigningKeys or an Authority.")
            .Validate(tokens => tokens.SigningKeys.All(IsStrongKey), "Every signing key is base64 of at least 32 bytes.")
            .ValidateOnStart();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<TokenOptions>>((jwt, options) => Configure(jwt, options.Value));
        builder.Services.AddAuthorization();
        return builder;
    }

    static void Configure(JwtBearerOptions jwt, TokenOptions tokens)
    {
        jwt.MapInboundClaims = false;
        jwt.Authority = tokens.Authority?.ToString();
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = tokens.Issuer,
            ValidAudience = tokens.Audience,
            IssuerSigningKeys = tokens.SigningKeys.Select(key => new SymmetricSecurityKey(Convert.FromBase64String(key))).ToList(),
            ValidateIssuerSigningKey = true,
            // Only the algorithm the keys are for: HMAC-SHA256 for shared keys, the identity provider's asymmetric ones
            // with an authority. Unsigned tokens ("alg": "none") are refused whatever this says (RequireSignedTokens).
            ValidAlgorithms = tokens.Authority is null
                ? [SecurityAlgorithms.HmacSha256]
                : [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = TokenOptions.UserClaim,
        };
        jwt.Events = new JwtBearerEvents
        {
            // Browsers cannot put a header on an EventSource or a download link: those two reads may carry the token in
            // the query instead. Nothing that changes state accepts it there.
            OnMessageReceived = context =>
            {
                var request = context.Request;
                if (HttpMethods.IsGet(request.Method) && request.Query.TryGetValue("access_token", out var token)
                    && (request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) == true
                        || request.Path.Value?.EndsWith("/content", StringComparison.Ordinal) == true))
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                var tenant = context.Principal?.FindFirstValue(TokenOptions.TenantClaim);
                var user = context.Principal?.FindFirstValue(TokenOptions.UserClaim);
                if (tenant is null || !Tenants.ValidId().IsMatch(tenant) || string.IsNullOrEmpty(user))
                {
                    context.Fail("The token names no valid tenant and user.");
                }

                return Task.CompletedTask;
            },
        };
    }

    static bool IsStrongKey(string key)
    {
        var bytes = new byte[key.Length];
        return Convert.TryFromBase64String(key, bytes, out var length) && length >= 32;
    }
}
