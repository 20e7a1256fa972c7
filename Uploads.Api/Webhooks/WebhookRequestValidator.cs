using System.Net;
using Uploads.Api.Uploads;
using Uploads.Domain.Webhooks;

namespace Uploads.Api.Webhooks;

public static class WebhookRequestValidator
{
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 512;

    public static (Uri? Url, IReadOnlyList<string> Events, Dictionary<string, string[]> Errors) Validate(WebhookRequest request, WebhookOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        Uri? url = null;
        if (request.Url is not { Length: > 0 and <= MaxUrlLength } text || !Uri.TryCreate(text, UriKind.Absolute, out url) || UrlProblem(url, options) is { } problem)
        {
            errors["url"] = [url is null ? $"url is an absolute URL of at most {MaxUrlLength} characters." : UrlProblem(url, options)!];
            url = null;
        }

        var events = request.Events?.ToList() ?? [];
        if (events.Count == 0 || events.Any(e => e is null || !WebhookEventTypes.Subscribable.Contains(e)))
        {
            errors["events"] = [$"events lists one or more of {string.Join(", ", WebhookEventTypes.Subscribable)}."];
        }

        if (request.Description is { } description && (description.Length > MaxDescriptionLength || !ClientText.IsSafe(description)))
        {
            errors["description"] = [$"description has at most {MaxDescriptionLength} characters, without control or bidi characters."];
        }

        return (url, [.. events.OfType<string>().Distinct()], errors);
    }

    static string? UrlProblem(Uri url, WebhookOptions options)
    {
        if (url.Scheme != Uri.UriSchemeHttps && !(options.AllowInsecureTargets && url.Scheme == Uri.UriSchemeHttp))
        {
            return "url is an https URL.";
        }

        if (url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            return "url carries no credentials and no fragment: the secret signs the deliveries.";
        }

        if (!options.AllowInsecureTargets && (url.IsLoopback || (IPAddress.TryParse(url.IdnHost, out var address) && !OutboundAddresses.IsPublic(address))))
        {
            return "url is a public address: loopback, link-local and private addresses are refused.";
        }

        return null;
    }
}
