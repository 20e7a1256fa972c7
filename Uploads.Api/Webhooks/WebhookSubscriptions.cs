using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Uploads.Domain.Webhooks;
using Uploads.Infrastructure.Data;

namespace Uploads.Api.Webhooks;

/// <summary>A tenant's subscriptions: made, listed, rotated, deleted, tested, and their delivery log.</summary>
public sealed class WebhookSubscriptions(UploadsDatabases databases, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const int MaxDeliveriesShown = 100;

    /// <summary>A new subscription with a new secret; null when the tenant has as many as it may.</summary>
    public async Task<WebhookSubscription?> CreateAsync(string tenantId, Uri url, IReadOnlyList<string> events, string? description, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        if (await db.WebhookSubscriptions.CountAsync(cancellationToken) >= options.Value.MaxSubscriptionsPerTenant)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var subscription = WebhookSubscription.Create(Guid.CreateVersion7(now), tenantId, url.AbsoluteUri, events, description, NewSecret(), now);
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(cancellationToken);
        return subscription;
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        return await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<WebhookSubscription?> FindAsync(string tenantId, Guid webhookId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        return await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == webhookId, cancellationToken);
    }

    /// <summary>Deletes the subscription and its deliveries; false when the tenant has no such subscription.</summary>
    public async Task<bool> DeleteAsync(string tenantId, Guid webhookId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        return await db.WebhookSubscriptions.Where(s => s.Id == webhookId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>A new secret (the old one stops verifying at once), and the subscription enabled again; null when there is none.</summary>
    public async Task<WebhookSubscription?> RotateSecretAsync(string tenantId, Guid webhookId, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
            if (await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == webhookId, cancellationToken) is not { } subscription)
            {
                return null;
            }

            subscription.RotateSecret(NewSecret());
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return subscription;
            }
            catch (DbUpdateConcurrencyException)
            {
                // A delivery's outcome was recorded meanwhile: rotate on the current row.
            }
        }
    }

    /// <summary>A test message for this subscription alone, delivered as any other; null when there is no such subscription.</summary>
    public async Task<WebhookMessage?> SendTestAsync(string tenantId, Guid webhookId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        if (await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == webhookId, cancellationToken) is not { } subscription)
        {
            return null;
        }

        var message = WebhookMessage.TestFor(Guid.CreateVersion7(clock.GetUtcNow()), subscription, clock.GetUtcNow());
        db.WebhookMessages.Add(message);
        await db.SaveChangesAsync(cancellationToken);
        return message;
    }

    /// <summary>The subscription's latest deliveries with their attempts, newest first; null when there is no such subscription.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>?> DeliveriesAsync(string tenantId, Guid webhookId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForTenantAsync(tenantId, cancellationToken);
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == webhookId, cancellationToken))
        {
            return null;
        }

        return await db.WebhookDeliveries.AsNoTracking()
            .Include(d => d.Attempts)
            .Where(d => d.SubscriptionId == webhookId)
            .OrderByDescending(d => d.CreatedAt)
            .Take(MaxDeliveriesShown)
            .ToListAsync(cancellationToken);
    }

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
