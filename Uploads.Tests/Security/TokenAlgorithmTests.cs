using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Uploads.Api.Security;
using Uploads.Infrastructure.Security;

namespace Uploads.Tests.Security;

/// <summary>The API's token validation as it configures it, apart from the running stack.</summary>
public sealed class TokenAlgorithmTests
{
    static readonly TokenOptions Defaults = new();

    [Fact]
    public async Task A_token_signed_with_HS512_by_a_key_long_enough_for_it_is_refused_because_the_algorithm_is_pinned()
    {
        // A 512-bit key is strong enough for HS512, so only the pinned algorithm list can refuse such a token; the
        // stack's 256-bit development key refuses it for its size before pinning matters.
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var parameters = ValidationParametersFor(key);
        var handler = new JsonWebTokenHandler();

        var hs256 = await handler.ValidateTokenAsync(Token(key, SecurityAlgorithms.HmacSha256), parameters);
        var hs512 = await handler.ValidateTokenAsync(Token(key, SecurityAlgorithms.HmacSha512), parameters);
        var unpinned = parameters.Clone();
        unpinned.ValidAlgorithms = null;
        var hs512Unpinned = await handler.ValidateTokenAsync(Token(key, SecurityAlgorithms.HmacSha512), unpinned);

        Assert.True(hs256.IsValid, hs256.Exception?.Message);
        Assert.False(hs512.IsValid);
        // IdentityModel reports an algorithm outside ValidAlgorithms as "no key for this token".
        Assert.IsType<SecurityTokenSignatureKeyNotFoundException>(hs512.Exception);
        // The control: without the pin, the same key and token pass, so the pin is what refused it above.
        Assert.True(hs512Unpinned.IsValid, hs512Unpinned.Exception?.Message);
    }

    static TokenValidationParameters ValidationParametersFor(string signingKey)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"{TokenOptions.Section}:SigningKeys:0"] = signingKey });
        builder.AddTokenAuthentication();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
    }

    static string Token(string key, string algorithm) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Defaults.Issuer,
        Audience = Defaults.Audience,
        Subject = new ClaimsIdentity([new Claim(TokenOptions.UserClaim, "u"), new Claim(TokenOptions.TenantClaim, "t")]),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key)), algorithm),
    });
}
