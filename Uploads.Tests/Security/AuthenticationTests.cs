using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Uploads.AppHost.Tokens;
using Uploads.Infrastructure.Security;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Security;

public sealed class AuthenticationTests(UploadsStack stack)
{
    static readonly TokenOptions Defaults = new();

    string Key => DevelopmentSigningKey.LoadOrCreate(stack.StateDirectory);

    public static TheoryData<string> BadTokens =>
    [
        "missing", "expired", "wrong audience", "wrong issuer", "wrongly signed", "no tenant", "unsafe tenant", "garbage",
        "alg none", "no exp", "nbf in the future",
    ];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_call_without_a_valid_token_gets_401_problem_details(string token)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(stack.Resources.Api.Url) };
        var request = new HttpRequestMessage(HttpMethod.Get, "/files");
        if (Token(token) is { } value)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", value);
        }

        using var response = await anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal("UNAUTHORIZED", (await Problems.ReadAsync(response)).Code);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/")]
    public async Task Health_and_the_page_need_no_token(string path)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(stack.Resources.Api.Url) };

        using var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Every_files_batches_webhooks_and_companion_endpoint_requires_a_token()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(stack.Resources.Api.Url) };
        var id = Guid.NewGuid();

        foreach (var (method, path) in new[]
        {
            ("POST", "/files/presigned-upload"), ("POST", "/files/confirm-uploads"), ("GET", "/files"),
            ("GET", $"/files/{id}"), ("GET", $"/files/{id}/content"), ("GET", $"/files/{id}/events"),
            ("POST", "/files/multipart-upload"), ("GET", $"/files/{id}/multipart-upload"), ("POST", $"/files/{id}/complete-multipart"),
            ("DELETE", $"/files/{id}/multipart-upload"), ("GET", "/companion/s3/params?filename=a.txt"), ("POST", "/companion/s3/multipart"),
            ("GET", "/companion/s3/multipart/u?key=k"), ("GET", "/companion/s3/multipart/u/1?key=k"), ("GET", "/companion/s3/multipart/u/batch?key=k&partNumbers=1"),
            ("POST", "/companion/s3/multipart/u/complete?key=k"), ("DELETE", "/companion/s3/multipart/u?key=k"),
            ("POST", "/batches"), ("GET", "/batches"), ("GET", $"/batches/{id}"), ("POST", $"/batches/{id}/files"), ("GET", $"/batches/{id}/events"),
            ("POST", "/webhooks"), ("GET", "/webhooks"), ("GET", $"/webhooks/{id}"), ("DELETE", $"/webhooks/{id}"),
            ("POST", $"/webhooks/{id}/rotate-secret"), ("POST", $"/webhooks/{id}/test"), ("GET", $"/webhooks/{id}/deliveries"),
        })
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_development_token_endpoint_mints_a_working_token_for_the_demo_tenant()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(stack.Resources.Api.Url) };
        using var token = System.Text.Json.JsonDocument.Parse(await anonymous.GetStringAsync("/dev/token"));
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", token.RootElement.GetProperty("access_token").GetString());

        using var response = await anonymous.GetAsync("/files?limit=1");

        Assert.Equal("demo", token.RootElement.GetProperty("tenant").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    string? Token(string kind) => kind switch
    {
        "missing" => null,
        "expired" => DevelopmentTokens.Mint(Key, Defaults.Issuer, Defaults.Audience, "t", "u", TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow.AddHours(-1)),
        "wrong audience" => DevelopmentTokens.Mint(Key, Defaults.Issuer, "another-api", "t", "u", TimeSpan.FromHours(1)),
        "wrong issuer" => DevelopmentTokens.Mint(Key, "someone-else", Defaults.Audience, "t", "u", TimeSpan.FromHours(1)),
        "wrongly signed" => DevelopmentTokens.Mint(DevelopmentTokenWriter.NewSigningKey(), Defaults.Issuer, Defaults.Audience, "t", "u", TimeSpan.FromHours(1)),
        "no tenant" => Signed(new Claim(TokenOptions.UserClaim, "u")),
        "unsafe tenant" => DevelopmentTokens.Mint(Key, Defaults.Issuer, Defaults.Audience, "../other", "u", TimeSpan.FromHours(1)),
        "alg none" => Unsigned(),
        "no exp" => Signed(SecurityAlgorithms.HmacSha256, expires: null, notBefore: null),
        "nbf in the future" => Signed(SecurityAlgorithms.HmacSha256, expires: DateTime.UtcNow.AddHours(2), notBefore: DateTime.UtcNow.AddHours(1)),
        _ => "not-a-jwt",
    };

    string Signed(params Claim[] claims) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Defaults.Issuer,
        Audience = Defaults.Audience,
        Subject = new ClaimsIdentity(claims),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(Key)), SecurityAlgorithms.HmacSha256),
    });

    /// <summary>A token for a valid tenant and user, with the algorithm and times given (no <c>exp</c> when null).</summary>
    string Signed(string algorithm, DateTime? expires, DateTime? notBefore) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
        .CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Defaults.Issuer,
            Audience = Defaults.Audience,
            Subject = new ClaimsIdentity([new Claim(TokenOptions.UserClaim, "u"), new Claim(TokenOptions.TenantClaim, "t")]),
            Expires = expires,
            NotBefore = notBefore,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(Key)), algorithm),
        });

    /// <summary>An unsigned token (<c>"alg": "none"</c>) with otherwise valid claims, as an attacker would forge it.</summary>
    static string Unsigned()
    {
        static string Part(object value) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(value));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(new { iss = Defaults.Issuer, aud = Defaults.Audience, sub = "u", tenant = "t", nbf = now, exp = now + 3600 })}.";
    }
}
