namespace Uploads.Domain.Webhooks;

/// <summary>
/// An event to announce, written in the same transaction as the transition it tells of (our outbox): nothing that
/// happened can be left unannounced, and nothing is announced that did not happen. The dispatcher fans each out into a
/// delivery per subscription that wants it.
/// </summary>
public sealed class WebhookMessage
{
    /// <summary>The message's id, sent as <c>webhook-id</c>: the same on every retry, so receivers can drop duplicates.</summary>
    public Guid Id { get; private set; }

    public string TenantId { get; private set; } = null!;
    public string EventType { get; private set; } = null!;
    public Guid? FileId { get; private set; }

    /// <summary>Only for a test message: the one subscription it goes to.</summary>
    public Guid? SubscriptionId { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }
    public DateTimeOffset? FannedOutAt { get; private set; }

    /// <summary>The W3C <c>traceparent</c> of the work that made the transition: its deliveries join that trace.</summary>
    public string? TraceParent { get; private set; }

    WebhookMessage() { }

    public static WebhookMessage ForFile(Guid id, string tenantId, string eventType, Guid fileId, DateTimeOffset occurredAt, string? traceParent) => new()
    {
        TraceParent = traceParent,
        Id = id,
        TenantId = tenantId,
        EventType = eventType,
        FileId = fileId,
        OccurredAt = occurredAt.ToUniversalTime(),
    };

    public static WebhookMessage TestFor(Guid id, WebhookSubscription subscription, DateTimeOffset now) => new()
    {
        Id = id,
        TenantId = subscription.TenantId,
        EventType = WebhookEventTypes.Test,
        SubscriptionId = subscription.Id,
        OccurredAt = now.ToUniversalTime(),
    };

    /// <summary>Whether <paramref name="subscription"/> is to hear of this message.</summary>
    public bool IsFor(WebhookSubscription subscription) =>
        subscription.TenantId == TenantId && (SubscriptionId is { } only ? subscription.Id == only : subscription.Wants(EventType));

    public void FannedOut(DateTimeOffset now) => FannedOutAt = now.ToUniversalTime();
}
