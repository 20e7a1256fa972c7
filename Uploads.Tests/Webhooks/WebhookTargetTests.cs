using System.Net;
using Uploads.Api.Webhooks;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Webhooks;

/// <summary>Where a webhook may be sent (SSRF): public addresses only, checked on the address connected to, and no redirect.</summary>
public sealed class WebhookTargetTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:169.254.169.254", false)]
    [InlineData("93.184.215.14", true)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", true)]
    // IPv6 forms that are not one public host, or that carry a private IPv4 address: seen allowed before the rule
    // became "global unicast only, embedded IPv4 judged as IPv4".
    [InlineData("::127.0.0.1", false)]
    [InlineData("::a9fe:a9fe", false)]
    [InlineData("2002:7f00:1::1", false)]
    [InlineData("2002:a9fe:a9fe::1", false)]
    [InlineData("2002:5db8:d70e::1", true)]
    [InlineData("64:ff9b::a9fe:a9fe", false)]
    [InlineData("64:ff9b:1::a00:1", false)]
    [InlineData("fec0::1", false)]
    [InlineData("100::1", false)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("3fff::1", false)]
    [InlineData("192.88.99.1", false)]
    public void Only_public_addresses_are_allowed(string address, bool allowed) =>
        Assert.Equal(allowed, OutboundAddresses.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://example.com/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.0.0.5:8443/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://example.com/hook#fragment")]
    public void Outside_development_a_url_over_http_or_to_a_private_address_is_refused(string url)
    {
        var (accepted, _, errors) = WebhookRequestValidator.Validate(new WebhookRequest(url, ["file.synced"], null), new WebhookOptions());

        Assert.Null(accepted);
        Assert.Contains("url", errors.Keys);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_when_connecting_and_a_redirect_is_never_followed()
    {
        using var receiver = WebhookReceiver.Start(302);
        var url = receiver.Url.Replace("127.0.0.1", "localhost");

        using (var guarded = new HttpClient(OutboundAddresses.Handler(allowAnyAddress: false)))
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.PostAsync(url, new StringContent("{}")));
            Assert.Contains("no public address", refused.Message);
            // What the name resolved to stays in the operator's log: the tenant reads this message in its deliveries.
            Assert.DoesNotContain("127.0.0.1", refused.Message);
            Assert.DoesNotContain("::1", refused.Message);
        }

        Assert.Empty(receiver.Received);
        using var developer = new HttpClient(OutboundAddresses.Handler(allowAnyAddress: true));
        using var response = await developer.PostAsync(url, new StringContent("{}"));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Single(receiver.Received);
    }
}
