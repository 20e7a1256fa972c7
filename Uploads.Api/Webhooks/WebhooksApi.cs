using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Uploads.Api.Problems;
using Uploads.Api.Security;
using static Uploads.Api.Problems.ApiProblemsExtensions;

namespace Uploads.Api.Webhooks;

/// <summary>Webhooks: subscriptions that hear of files settling, signed as Standard Webhooks.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization().RequireRateLimiting(RateLimitingExtensions.Confirm);

        webhooks.MapPost("/", Create)
            .WithName("CreateWebhook")
            .WithSummary("Subscribe an endpoint to events")
            .WithDescription("Answers 201 with the subscription and its signing `secret`, shown this once. Deliveries are JSON `{type, timestamp, data}` POSTs (data: the file as `GET /files/{id}` shows it) with the Standard Webhooks headers `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>`, retried with backoff for about a day until a 2xx; redirects are not followed.");
        webhooks.MapGet("/", List).WithName("ListWebhooks").WithSummary("The tenant's subscriptions (without secrets)");
        webhooks.MapGet("/{webhookId:guid}", Get).WithName("GetWebhook").WithSummary("One subscription (without its secret)");
        webhooks.MapDelete("/{webhookId:guid}", Delete).WithName("DeleteWebhook").WithSummary("Delete a subscription and its delivery log");
        webhooks.MapPost("/{webhookId:guid}/rotate-secret", RotateSecret)
            .WithName("RotateWebhookSecret")
            .WithSummary("A new signing secret, shown this once")
            .WithDescription("The old secret stops signing at once. Also enables a subscription disabled for failing.");
        webhooks.MapPost("/{webhookId:guid}/test", Test)
            .WithName("TestWebhook")
            .WithSummary("Send a `webhook.test` delivery to this subscription")
            .WithDescription("Answers 202 with the message's id; the delivery shows in the log like any other.");
        webhooks.MapGet("/{webhookId:guid}/deliveries", Deliveries)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The latest 100 deliveries, with every attempt's status code and latency");
        return webhooks;
    }

    public static async Task<Results<Created<WebhookView>, ValidationProblem, ProblemHttpResult>> Create(
        WebhookRequest request, ClaimsPrincipal user, WebhookSubscriptions subscriptions, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var (url, events, errors) = WebhookRequestValidator.Validate(request, options.Value);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        return await subscriptions.CreateAsync(user.TenantId(), url!, events, request.Description, cancellationToken) is { } subscription
            ? TypedResults.Created($"/webhooks/{subscription.Id}", WebhookView.From(subscription, TraceIds.Current, withSecret: true))
            : Problem(StatusCodes.Status409Conflict, ProblemCodes.TooManyWebhooks, "Too many webhooks",
                $"A tenant has at most {options.Value.MaxSubscriptionsPerTenant} subscriptions: delete one first.");
    }

    public static async Task<Ok<WebhookList>> List(ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        TypedResults.Ok(new WebhookList([.. (await subscriptions.ListAsync(user.TenantId(), cancellationToken)).Select(s => WebhookView.From(s, TraceIds.Current))], TraceIds.Current));

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> Get(
        Guid webhookId, ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.FindAsync(user.TenantId(), webhookId, cancellationToken) is { } subscription
            ? TypedResults.Ok(WebhookView.From(subscription, TraceIds.Current))
            : NotFound(webhookId);

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid webhookId, ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.DeleteAsync(user.TenantId(), webhookId, cancellationToken) ? TypedResults.NoContent() : NotFound(webhookId);

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> RotateSecret(
        Guid webhookId, ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.RotateSecretAsync(user.TenantId(), webhookId, cancellationToken) is { } subscription
            ? TypedResults.Ok(WebhookView.From(subscription, TraceIds.Current, withSecret: true))
            : NotFound(webhookId);

    public static async Task<Results<Accepted<TestDelivery>, ProblemHttpResult>> Test(
        Guid webhookId, ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.SendTestAsync(user.TenantId(), webhookId, cancellationToken) is { } message
            ? TypedResults.Accepted($"/webhooks/{webhookId}/deliveries", new TestDelivery(message.Id, TraceIds.Current))
            : NotFound(webhookId);

    public static async Task<Results<Ok<DeliveryList>, ProblemHttpResult>> Deliveries(
        Guid webhookId, ClaimsPrincipal user, WebhookSubscriptions subscriptions, CancellationToken cancellationToken) =>
        await subscriptions.DeliveriesAsync(user.TenantId(), webhookId, cancellationToken) is { } deliveries
            ? TypedResults.Ok(new DeliveryList([.. deliveries.Select(DeliveryView.From)], TraceIds.Current))
            : NotFound(webhookId);

    static ProblemHttpResult NotFound(Guid webhookId) =>
        Problem(StatusCodes.Status404NotFound, ProblemCodes.WebhookNotFound, "Webhook not found", $"No webhook has the id {webhookId}.");
}
