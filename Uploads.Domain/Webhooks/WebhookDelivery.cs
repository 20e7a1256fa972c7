namespace Uploads.Domain.Webhooks;

public enum WebhookDeliveryState
{
    /// <summary>Waiting for its next attempt (or being attempted: its next attempt is then pushed out by a lease).</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt of the retry schedule failed.</summary>
    Failed,
}

/// <summary>
/// One message to one subscription, attempted until the receiver answers 2xx or the retry schedule runs out. The body is
/// made once, at the first attempt, and sent the same on every retry (same <c>webhook-id</c>, same bytes).
/// </summary>
public sealed class WebhookDelivery
{
    readonly List<WebhookAttempt> attempts = [];

    public Guid Id { get; private set; }
    public Guid MessageId { get; private set; }
    public Guid SubscriptionId { get; private set; }
    public string TenantId { get; private set; } = null!;
    public string EventType { get; private set; } = null!;
    public WebhookDeliveryState State { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public string? Payload { get; private set; }

    /// <summary>Attempts that failed: the retry schedule is counted on them.</summary>
    public int FailedAttempts { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public uint Version { get; private set; }
    public IReadOnlyList<WebhookAttempt> Attempts => attempts;

    WebhookDelivery() { }

    public static WebhookDelivery For(Guid id, WebhookMessage message, WebhookSubscription subscription, DateTimeOffset now) => new()
    {
        Id = id,
        MessageId = message.Id,
        SubscriptionId = subscription.Id,
        TenantId = message.TenantId,
        EventType = message.EventType,
        State = WebhookDeliveryState.Pending,
        NextAttemptAt = now.ToUniversalTime(),
        CreatedAt = now.ToUniversalTime(),
        UpdatedAt = now.ToUniversalTime(),
    };

    /// <summary>Takes the delivery for an attempt: nobody else attempts it until <paramref name="until"/>, when it is due again if this attempt died.</summary>
    public void Lease(DateTimeOffset until, DateTimeOffset now)
    {
        NextAttemptAt = until.ToUniversalTime();
        UpdatedAt = now.ToUniversalTime();
    }

    /// <summary>Keeps the body the first attempt sent: every later attempt sends the same.</summary>
    public void KeepPayload(string payload) => Payload ??= payload;

    public void Succeeded(int statusCode, TimeSpan latency, DateTimeOffset now)
    {
        attempts.Add(new WebhookAttempt(Id, now, statusCode, (int)latency.TotalMilliseconds, null));
        State = WebhookDeliveryState.Delivered;
        UpdatedAt = now.ToUniversalTime();
    }

    /// <summary>
    /// Records a failed attempt; the next one is due after the schedule's next delay, or, when the schedule ran out,
    /// the delivery has failed for good (true).
    /// </summary>
    public bool AttemptFailed(int? statusCode, string error, TimeSpan latency, DateTimeOffset now, IReadOnlyList<TimeSpan> retryDelays)
    {
        attempts.Add(new WebhookAttempt(Id, now, statusCode, (int)latency.TotalMilliseconds, error));
        UpdatedAt = now.ToUniversalTime();
        FailedAttempts++;
        if (FailedAttempts > retryDelays.Count)
        {
            State = WebhookDeliveryState.Failed;
            return true;
        }

        NextAttemptAt = (now + retryDelays[FailedAttempts - 1]).ToUniversalTime();
        return false;
    }
}

/// <param name="StatusCode">The receiver's answer; null when none came (refused, timed out, not allowed to connect).</param>
public sealed record WebhookAttempt(Guid DeliveryId, DateTimeOffset At, int? StatusCode, int LatencyMs, string? Error)
{
    public long Id { get; private init; }
}

/// <summary>When a delivery may be attempted: said once, for the dispatcher's query and for one delivery in memory.</summary>
public static class WebhookDeliveryRules
{
    public static readonly Rule<WebhookDelivery, DateTimeOffset> DueAt = new((delivery, now) =>
        delivery.State == WebhookDeliveryState.Pending && delivery.NextAttemptAt <= now);
}
