namespace Uploads.Api.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>Subscriptions, and the dispatcher that delivers the outbox's messages (through its own SSRF-guarded client).</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.Section)
            .PostConfigure(webhooks => webhooks.RetryDelays = webhooks.RetryDelays is [] ? WebhookOptions.DefaultRetryDelays : webhooks.RetryDelays)
            .Validate(webhooks => webhooks.RetryDelays.All(delay => delay > TimeSpan.Zero && delay <= TimeSpan.FromDays(1)), "Webhooks:RetryDelays are each over zero and at most a day.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<WebhookSubscriptions>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }
}
