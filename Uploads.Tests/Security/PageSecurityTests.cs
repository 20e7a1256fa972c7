using System.Net;
using Uploads.Infrastructure.Storage;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Security;

/// <summary>What the two pages send a browser: a Content-Security-Policy each, and the dashboard only under a loopback name.</summary>
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
}
