using System.Net;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Uploads.AppHost.Tokens;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.AppHost;

/// <summary>The API's command in Aspire's dashboard, run as the dashboard runs it (Aspire's resource commands).</summary>
public sealed partial class DevelopmentTokenCommandTests(UploadsStack stack)
{
    [Fact]
    public async Task The_API_s_mint_token_command_writes_a_token_the_API_accepts_into_its_console()
    {
        var api = stack.Resources.Api;
        using var anonymous = new HttpClient { BaseAddress = new Uri(api.Url) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/files")).StatusCode);

        var result = await stack.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(api.Name, DevelopmentTokenCommand.Name);
        Assert.True(result.Success, result.Message);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        string? token = null;
        await foreach (var lines in stack.App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(api.Name).WithCancellation(timeout.Token))
        {
            if (lines.Select(line => Token().Match(line.Content)).FirstOrDefault(match => match.Success) is { } found)
            {
                token = found.Groups["token"].Value;
                break;
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/files");
        request.Headers.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(request)).StatusCode);
    }

    [GeneratedRegex(@"Development token \(tenant dev[^)]*\): (?<token>[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")]
    private static partial Regex Token();
}
