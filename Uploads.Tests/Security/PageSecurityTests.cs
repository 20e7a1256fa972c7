using System.Net;
using Uploads.Infrastructure.Storage;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Security;

/// <summary>What the two pages send a browser: a Content-Security-Policy each, and the dashboard only under a loopback name.</summary>
[Collection(StackCollection.Name)]
public sealed class PageSecurityTests(UploadsStack stack)
{
    [Fact]
    public async Task The_upload_page_may_reach_only_the_API_and_the_storage()
    {
        using var http = new HttpClient { BaseAddress = new Uri(stack.Resources.Api.Url) };

        using var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        var storage = StorageConnection.Parse(stack.Resources.Storage.ConnectionString).Endpoint.GetLeftPart(UriPartial.Authority);
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains($"connect-src 'self' {storage}", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        // 'wasm-unsafe-eval' lets the page compile WebAssembly (hash-wasm) from its own scripts; no JavaScript eval, no inline code.
        Assert.DoesNotContain("'unsafe-", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task The_dashboard_runs_only_its_own_inline_script()
    {
        using var response = await new HttpClient().GetAsync(stack.Dashboard.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Matches("script-src 'sha256-[A-Za-z0-9+/=]{44}'", policy);
        Assert.Contains("connect-src 'self'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
    }

    [Theory]
    [InlineData("uploads.attacker.example")]
    [InlineData("127.0.0.2")]
    public async Task The_dashboard_answers_no_other_host_name_against_DNS_rebinding(string host)
    {
        var url = stack.Dashboard.Url;
        using var http = new HttpClient();
        foreach (var path in new[] { "/", "/api/resources", "/api/traces", "/api/resources/api/console" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, path));
            request.Headers.Host = $"{host}:{url.Port}";

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var loopback = await http.GetAsync(new Uri(url, "/api/resources"));
        Assert.Equal(HttpStatusCode.OK, loopback.StatusCode);
    }
}
