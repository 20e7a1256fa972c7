namespace Uploads.Domain.Webhooks;

/// <summary>
/// A tenant's endpoint that hears of some events, signed with a secret of its own. A subscription whose deliveries keep
/// failing is disabled, with the reason, until it is enabled again (rotating its secret does).
/// </summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; private set; }
    public string TenantId { get; private set; } = null!;
    public string Url { get; private set; } = null!;
    public string[] Events { get; private set; } = [];
    public string? Description { get; private set; }

    /// <summary>The Standard Webhooks signing secret, <c>whsec_</c> and 32 random bytes in base64; shown once, when made.</summary>
    public string Secret { get; private set; } = null!;

    public bool Enabled { get; private set; }
    public string? DisabledReason { get; private set; }

    /// <summary>Deliveries that failed for good in a row: a success starts again from zero.</summary>
    public int ConsecutiveFailures { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public uint Version { get; private set; }

    WebhookSubscription() { }

    public static WebhookSubscription Create(Guid id, string tenantId, string url, IEnumerable<string> events, string? description, string secret, DateTimeOffset now) => new()
    {
        Id = id,
        TenantId = tenantId,
        Url = url,
        Events = [.. events.Distinct(StringComparer.Ordinal)],
        Description = description,
        Secret = secret,
        Enabled = true,
        CreatedAt = now.ToUniversalTime(),
    };

    public bool Wants(string eventType) => Enabled && Events.Contains(eventType, StringComparer.Ordinal);

    /// <summary>A new secret, and the subscription enabled again: whoever held the old one no longer verifies.</summary>
    public void RotateSecret(string secret)
    {
        Secret = secret;
        Enabled = true;
        DisabledReason = null;
        ConsecutiveFailures = 0;
    }

    public void DeliverySucceeded() => ConsecutiveFailures = 0;

    /// <summary>Counts a delivery that failed for good; the <paramref name="disableAfter"/>th in a row disables the subscription.</summary>
    public void DeliveryFailed(int disableAfter, string reason)
    {
        ConsecutiveFailures++;
        if (ConsecutiveFailures >= disableAfter && Enabled)
        {
            Enabled = false;
            DisabledReason = $"{ConsecutiveFailures} deliveries in a row failed; the last: {reason}";
        }
    }
}
