using Uploads.Domain.Webhooks;

namespace Uploads.Api.Webhooks;

/// <summary>Subscribes an endpoint to events.</summary>
/// <param name="Url">Where deliveries go: an https URL of a public address (at most 2,048 characters, no credentials).</param>
/// <param name="Events">Any of file.synced, file.failed, file.expired, file.derivatives_ready.</param>
/// <param name="Description">For people (at most 512 characters).</param>
public sealed record WebhookRequest(string? Url, IReadOnlyList<string?>? Events, string? Description);

/// <summary>A subscription; its secret only in the answers that make one (creating it, rotating it).</summary>
public sealed record WebhookView(
    Guid WebhookId, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, string? DisabledReason, DateTimeOffset CreatedAt,
    string? Secret, string TraceId)
{
    public static WebhookView From(WebhookSubscription subscription, string traceId, bool withSecret = false) => new(
        subscription.Id, subscription.Url, subscription.Events, subscription.Description, subscription.Enabled, subscription.DisabledReason,
        subscription.CreatedAt, withSecret ? subscription.Secret : null, traceId);
}

public sealed record WebhookList(IReadOnlyList<WebhookView> Webhooks, string TraceId);

/// <param name="MessageId">The message's <c>webhook-id</c>, the same on every attempt.</param>
/// <param name="TraceId">The request's trace, for support.</param>
public sealed record TestDelivery(Guid MessageId, string TraceId);

public sealed record DeliveryView(
    Guid DeliveryId, Guid MessageId, string EventType, WebhookDeliveryState State, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    IReadOnlyList<AttemptView> Attempts)
{
    public static DeliveryView From(WebhookDelivery delivery) => new(
        delivery.Id, delivery.MessageId, delivery.EventType, delivery.State, delivery.CreatedAt,
        delivery.State == WebhookDeliveryState.Pending ? delivery.NextAttemptAt : null,
        [.. delivery.Attempts.OrderBy(a => a.Id).Select(a => new AttemptView(a.At, a.StatusCode, a.LatencyMs, a.Error))]);
}

/// <param name="At">When the attempt ended.</param>
/// <param name="StatusCode">The receiver's answer; null when none came.</param>
/// <param name="LatencyMs">From sending to the answer's headers (or the failure).</param>
/// <param name="Error">Why the attempt failed; null when it delivered.</param>
public sealed record AttemptView(DateTimeOffset At, int? StatusCode, int LatencyMs, string? Error);

public sealed record DeliveryList(IReadOnlyList<DeliveryView> Deliveries, string TraceId);
