using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StandardWebhooks;
using Uploads.Api.Reads;
using Uploads.Domain.Webhooks;
using Uploads.Infrastructure.Data;
using Uploads.Infrastructure.Telemetry;

namespace Uploads.Api.Webhooks;

/// <summary>
/// Delivers webhooks from the outbox, in every API replica at once: fans each new message out into a delivery per
/// subscription that wants it (rows locked with SKIP LOCKED, one delivery per pair by a unique index), then attempts the
/// deliveries that are due, each leased first so that no two replicas send it at once. At least once: a replica that dies
/// mid-attempt leaves a delivery that is due again when its lease runs out, and receivers drop duplicates by <c>webhook-id</c>.
/// </summary>
public sealed class WebhookDispatcher(
    UploadsDatabases databases,
    FileCatalog files,
    IOptions<WebhookOptions> options,
    IOptions<JsonOptions> json,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    const int MessagesPerRound = 100;
    const int DeliveriesPerRound = 20;
    readonly WebhookOptions options = options.Value;

    // Its own client, not the service defaults' (whose resilience handler would retry a receiver's 500 at once, unseen):
    // deliveries retry on their own schedule, and every attempt is logged.
    readonly HttpClient http = new(OutboundAddresses.Handler(options.Value.AllowInsecureTargets)) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>How long an attempt holds its delivery: the timeout, and room for recording the outcome.</summary>
    TimeSpan Lease => options.Timeout * 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, clock);
        var forgetAt = DateTimeOffset.MinValue;
        do
        {
            try
            {
                await FanOutAsync(stoppingToken);
                await DeliverDueAsync(stoppingToken);
                if (clock.GetUtcNow() >= forgetAt)
                {
                    await ForgetOldMessagesAsync(stoppingToken);
                    forgetAt = clock.GetUtcNow() + options.RetentionInterval;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or the network failed this round: the outbox keeps everything for the next.
                logger.LogWarning("Webhook dispatch failed this round: {Message}", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// Deletes the messages fanned out longer than <see cref="WebhookOptions.RetainFor"/> ago whose deliveries are all
    /// settled (delivered or failed); their deliveries and attempts go with them (the foreign keys cascade). A message
    /// still being retried is kept whatever its age.
    /// </summary>
    async Task ForgetOldMessagesAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.RetainFor;
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var forgotten = await db.WebhookMessages
            .Where(m => m.FannedOutAt < cutoff && !db.WebhookDeliveries.Any(d => d.MessageId == m.Id && d.State == WebhookDeliveryState.Pending))
            .ExecuteDeleteAsync(cancellationToken);
        if (forgotten > 0)
        {
            logger.LogInformation("Forgot {Count} webhook messages settled before {Cutoff}", forgotten, cutoff);
        }
    }

    async Task FanOutAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var messages = await db.WebhookMessages
                .FromSql($"SELECT * FROM webhook_messages WHERE fanned_out_at IS NULL ORDER BY occurred_at LIMIT {MessagesPerRound} FOR UPDATE SKIP LOCKED")
                .ToListAsync(cancellationToken);
            if (messages.Count == 0)
            {
                return;
            }

            var tenants = messages.Select(m => m.TenantId).Distinct().ToList();
            var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => tenants.Contains(s.TenantId)).ToListAsync(cancellationToken);
            var now = clock.GetUtcNow();
            foreach (var message in messages)
            {
                foreach (var subscription in subscriptions.Where(message.IsFor))
                {
                    db.WebhookDeliveries.Add(WebhookDelivery.For(Guid.CreateVersion7(now), message, subscription, now));
                }

                message.FannedOut(now);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
    }

    async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        List<Guid> due;
        await using (var db = await databases.ForAllTenantsAsync(cancellationToken))
        {
            due = await db.WebhookDeliveries.AsNoTracking()
                .Where(WebhookDeliveryRules.DueAt.For(clock.GetUtcNow()))
                .OrderBy(d => d.NextAttemptAt)
                .Select(d => d.Id)
                .Take(DeliveriesPerRound)
                .ToListAsync(cancellationToken);
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, AttemptAsync);
    }

    async ValueTask AttemptAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        if (await LeaseAsync(deliveryId, cancellationToken) is not { } leased)
        {
            return;
        }

        var (delivery, subscription, message) = leased;
        using var activity = StartDeliveryActivity(message, delivery);
        var payload = delivery.Payload ?? await PayloadForAsync(message, cancellationToken);
        var sentAt = clock.GetUtcNow();
        var clockStarted = Stopwatch.GetTimestamp();
        int? statusCode = null;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
            {
                Content = new StringContent(payload, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", message.Id.ToString());
            request.Headers.Add("webhook-timestamp", sentAt.ToUnixTimeSeconds().ToString());
            request.Headers.Add("webhook-signature", new StandardWebhook(subscription.Secret).Sign(message.Id.ToString(), sentAt, payload));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            statusCode = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"answered {statusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The tenant reads this in the delivery's log: a reason, never what an internal name resolved to or which
            // internal host refused; the detail goes to the operator's log.
            // SocketsHttpHandler wraps what its connect callback throws.
            var refused = ex as RefusedTargetException ?? ex.InnerException as RefusedTargetException;
            error = ex switch
            {
                OperationCanceledException => $"no answer within {options.Timeout.TotalSeconds:N0} s",
                _ when refused is not null => refused.Message,
                HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "the host name did not resolve",
                HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "the TLS handshake failed",
                _ => "the connection failed",
            };
            logger.LogWarning("Webhook delivery {DeliveryId} to {Url} failed: {Error} ({Detail})", deliveryId, subscription.Url, error,
                refused is not null ? $"resolved to {string.Join(", ", refused.Addresses)}" : ex.Message);
        }

        activity?.SetTag("http.response.status_code", statusCode);
        if (error is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }

        await RecordAsync(deliveryId, payload, statusCode, error, Stopwatch.GetElapsedTime(clockStarted), cancellationToken);
    }

    /// <summary>A span for the attempt, under the work that settled the file (the worker's sync, or the API's request).</summary>
    static Activity? StartDeliveryActivity(WebhookMessage message, WebhookDelivery delivery)
    {
        ActivityContext.TryParse(message.TraceParent, null, isRemote: true, out var parent);
        var activity = UploadsTracing.Source.StartActivity("webhook.deliver", ActivityKind.Producer, parent);
        activity?.SetTag("uploads.webhook.event", message.EventType);
        activity?.SetTag("uploads.webhook.delivery.id", delivery.Id);
        activity?.SetTag("uploads.webhook.attempt", delivery.FailedAttempts + 1);
        if (message.FileId is { } fileId)
        {
            activity?.SetTag(UploadsTracing.FileIdTag, fileId);
        }

        return activity;
    }

    /// <summary>Takes the delivery for one attempt, if it is still due and no other replica took it first.</summary>
    async Task<(WebhookDelivery Delivery, WebhookSubscription Subscription, WebhookMessage Message)?> LeaseAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        await using var db = await databases.ForAllTenantsAsync(cancellationToken);
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        var now = clock.GetUtcNow();
        if (delivery is null || !WebhookDeliveryRules.DueAt.IsMetBy(delivery, now))
        {
            return null;
        }

        delivery.Lease(now + Lease, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return null;
        }

        var subscription = await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
        var message = await db.WebhookMessages.AsNoTracking().SingleAsync(m => m.Id == delivery.MessageId, cancellationToken);
        return (delivery, subscription, message);
    }

    async Task RecordAsync(Guid deliveryId, string payload, int? statusCode, string? error, TimeSpan latency, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var db = await databases.ForAllTenantsAsync(cancellationToken);
            var delivery = await db.WebhookDeliveries.SingleAsync(d => d.Id == deliveryId, cancellationToken);
            var subscription = await db.WebhookSubscriptions.SingleAsync(s => s.Id == delivery.SubscriptionId, cancellationToken);
            var now = clock.GetUtcNow();
            delivery.KeepPayload(payload);
            var gaveUp = false;
            if (error is null)
            {
                delivery.Succeeded(statusCode!.Value, latency, now);
                subscription.DeliverySucceeded();
            }
            else if (delivery.AttemptFailed(statusCode, error, latency, now, options.RetryDelays))
            {
                subscription.DeliveryFailed(options.DisableAfterFailedDeliveries, error);
                gaveUp = true;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another delivery of the subscription recorded its outcome at the same time: record this one again.
                continue;
            }

            if (gaveUp)
            {
                logger.LogWarning("Webhook delivery {DeliveryId} to {Url} failed for good: {Error}", delivery.Id, subscription.Url, error);
            }

            return;
        }
    }

    /// <summary>The body receivers get: <c>{type, timestamp, data}</c>, data being the file as the API shows it.</summary>
    async Task<string> PayloadForAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        object data = message.FileId is { } fileId
            ? await files.DescribeAsync(message.TenantId, fileId, cancellationToken) ?? (object)new { file_id = fileId }
            : new { webhook_id = message.SubscriptionId };
        return JsonSerializer.Serialize(new { type = message.EventType, timestamp = message.OccurredAt, data }, json.Value.SerializerOptions);
    }

    public override void Dispose()
    {
        http.Dispose();
        base.Dispose();
    }
}
