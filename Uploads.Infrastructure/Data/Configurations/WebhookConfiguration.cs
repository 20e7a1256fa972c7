using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Uploads.Domain.Webhooks;

namespace Uploads.Infrastructure.Data.Configurations;

sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> subscription)
    {
        subscription.ToTable("webhook_subscriptions");
        subscription.HasKey(s => s.Id);
        subscription.Property(s => s.Id).HasColumnName("id").ValueGeneratedNever();
        subscription.Property(s => s.TenantId).HasColumnName("tenant_id").HasMaxLength(64).IsRequired();
        subscription.Property(s => s.Url).HasColumnName("url").HasMaxLength(2048).IsRequired();
        subscription.Property(s => s.Events).HasColumnName("events").IsRequired();
        subscription.Property(s => s.Description).HasColumnName("description").HasMaxLength(512);
        subscription.Property(s => s.Secret).HasColumnName("secret").HasMaxLength(128).IsRequired();
        subscription.Property(s => s.Enabled).HasColumnName("enabled");
        subscription.Property(s => s.DisabledReason).HasColumnName("disabled_reason").HasMaxLength(1024);
        subscription.Property(s => s.ConsecutiveFailures).HasColumnName("consecutive_failures");
        subscription.Property(s => s.CreatedAt).HasColumnName("created_at");
        subscription.Property(s => s.Version).IsRowVersion();
        subscription.HasIndex(s => new { s.TenantId, s.CreatedAt }).HasDatabaseName("ix_webhook_subscriptions_tenant_id");
    }
}

sealed class WebhookMessageConfiguration : IEntityTypeConfiguration<WebhookMessage>
{
    public void Configure(EntityTypeBuilder<WebhookMessage> message)
    {
        message.ToTable("webhook_messages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Id).HasColumnName("id").ValueGeneratedNever();
        message.Property(m => m.TenantId).HasColumnName("tenant_id").HasMaxLength(64).IsRequired();
        message.Property(m => m.EventType).HasColumnName("event_type").HasMaxLength(64).IsRequired();
        message.Property(m => m.FileId).HasColumnName("file_id");
        message.Property(m => m.SubscriptionId).HasColumnName("subscription_id");
        message.Property(m => m.OccurredAt).HasColumnName("occurred_at");
        message.Property(m => m.FannedOutAt).HasColumnName("fanned_out_at");
        message.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(64);
        // What the dispatcher looks for: the messages not fanned out yet, oldest first.
        message.HasIndex(m => m.OccurredAt).HasFilter("fanned_out_at IS NULL").HasDatabaseName("ix_webhook_messages_waiting");
    }
}

sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> delivery)
    {
        delivery.ToTable("webhook_deliveries");
        delivery.HasKey(d => d.Id);
        delivery.Property(d => d.Id).HasColumnName("id").ValueGeneratedNever();
        delivery.Property(d => d.MessageId).HasColumnName("message_id");
        delivery.Property(d => d.SubscriptionId).HasColumnName("subscription_id");
        delivery.Property(d => d.TenantId).HasColumnName("tenant_id").HasMaxLength(64).IsRequired();
        delivery.Property(d => d.EventType).HasColumnName("event_type").HasMaxLength(64).IsRequired();
        delivery.Property(d => d.State).HasColumnName("state").HasConversion<string>().HasMaxLength(16).IsRequired();
        delivery.Property(d => d.NextAttemptAt).HasColumnName("next_attempt_at");
        delivery.Property(d => d.Payload).HasColumnName("payload");
        delivery.Property(d => d.FailedAttempts).HasColumnName("failed_attempts");
        delivery.Property(d => d.CreatedAt).HasColumnName("created_at");
        delivery.Property(d => d.UpdatedAt).HasColumnName("updated_at");
        delivery.Property(d => d.Version).IsRowVersion();

        delivery.HasOne<WebhookMessage>().WithMany().HasForeignKey(d => d.MessageId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        // One delivery per message and subscription, however many dispatchers fan the message out.
        delivery.HasIndex(d => new { d.MessageId, d.SubscriptionId }).IsUnique().HasDatabaseName("ux_webhook_deliveries_message_subscription");
        delivery.HasIndex(d => d.NextAttemptAt).HasFilter("state = 'Pending'").HasDatabaseName("ix_webhook_deliveries_due");
        delivery.HasIndex(d => new { d.SubscriptionId, d.CreatedAt }).HasDatabaseName("ix_webhook_deliveries_subscription");

        delivery.HasMany(d => d.Attempts).WithOne().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        delivery.Navigation(d => d.Attempts).HasField("attempts").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> attempt)
    {
        attempt.ToTable("webhook_attempts");
        attempt.HasKey(a => a.Id);
        attempt.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        attempt.Property(a => a.DeliveryId).HasColumnName("delivery_id");
        attempt.Property(a => a.At).HasColumnName("at");
        attempt.Property(a => a.StatusCode).HasColumnName("status_code");
        attempt.Property(a => a.LatencyMs).HasColumnName("latency_ms");
        attempt.Property(a => a.Error).HasColumnName("error").HasMaxLength(1024);
        attempt.HasIndex(a => new { a.DeliveryId, a.Id }).HasDatabaseName("ix_webhook_attempts_delivery_id");
    }
}
