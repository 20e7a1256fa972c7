using Uploads.AppHost.Resources;
using Uploads.AppHost;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using Uploads.Api.Webhooks;
using Uploads.Domain.Files;
using Uploads.Domain.Webhooks;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Webhooks;

/// <summary>
/// Webhooks on the real stack, to a real receiver on loopback: one signed delivery per subscribed event, retried until
/// the receiver answers 2xx, a failed delivery in the log when it never does, and the pipeline untouched either way.
/// Each test is a tenant of its own, so that no other test's files are announced to its receiver.
/// </summary>
public sealed class WebhookDeliveryTests(UploadsStack stack)
{
    [Fact]
    public async Task A_receiver_gets_one_delivery_per_subscribed_event_signed_with_its_secret()
    {
        using var receiver = WebhookReceiver.Start();
        var client = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);
        var webhook = await SubscribeAsync(client, receiver.Url, WebhookEventTypes.FileSynced, WebhookEventTypes.FileFailed);
        Assert.StartsWith("whsec_", webhook.Secret);

        var synced = await client.UploadAndConfirmAsync(UploadsClient.RandomBytes(4_000));
        var failing = await client.RequestUploadAsync("liar.bin", 3_000, UploadsClient.Sha256Of(new byte[3_000]));
        await UploadsClient.UploadToStorageAsync(failing, UploadsClient.RandomBytes(3_000));
        await client.ConfirmAsync((failing.FileId, 3_000));
        await client.WaitForStatusAsync(synced, FileStatus.Synced);
        await client.WaitForStatusAsync(failing.FileId, FileStatus.Failed);

        var deliveries = await Eventually.MatchesAsync(() => Task.FromResult(receiver.Received), r => r.Count >= 2, "two deliveries");
        var verifier = new StandardWebhook(webhook.Secret!);
        foreach (var delivery in deliveries)
        {
            verifier.Verify(delivery.Body, delivery.Headers);
        }

        var events = deliveries.Select(d => JsonDocument.Parse(d.Body).RootElement)
            .Select(e => (Type: e.GetProperty("type").GetString(), File: e.GetProperty("data").GetProperty("file_id").GetGuid(), Status: e.GetProperty("data").GetProperty("status").GetString()))
            .OrderBy(e => e.Type)
            .ToList();
        Assert.Equal([("file.failed", failing.FileId, "FAILED"), ("file.synced", synced, "SYNCED")], events);
        Assert.Equal(2, deliveries.Select(d => d.Headers["webhook-id"].ToString()).Distinct().Count());
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook("whsec_" + Convert.ToBase64String(new byte[32])).Verify(deliveries[0].Body, deliveries[0].Headers));
        // The receiver answers before the dispatcher records the answer: wait for the log to say so.
        var log = await Eventually.MatchesAsync(() => DeliveriesAsync(client, webhook.WebhookId),
            d => d.Count == 2 && d.All(x => x.State != WebhookDeliveryState.Pending), "both deliveries to be logged");
        Assert.All(log, d => Assert.Equal((WebhookDeliveryState.Delivered, 200), (d.State, d.Attempts.Single().StatusCode)));
    }

    [Fact]
    public async Task A_delivery_is_a_span_of_the_upload_s_trace_under_the_worker_s_sync_that_settled_the_file()
    {
        using var receiver = WebhookReceiver.Start();
        var client = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);
        await SubscribeAsync(client, receiver.Url, WebhookEventTypes.FileSynced);

        var (ticket, confirmation) = await client.UploadAsync(UploadsClient.RandomBytes(3_000));

        var trace = await Eventually.MatchesAsync(() => stack.Dashboard.TraceAsync(confirmation.TraceId),
            t => t is not null && t.Spans.Any(s => s.Name == "webhook.deliver") && t.Spans.Any(s => s.Name == "file.sync"),
            "the delivery's span to reach the dashboard in the upload's trace");
        var delivery = trace!.Spans.Single(s => s.Name == "webhook.deliver");
        var parent = trace.Spans.Single(s => s.SpanId == delivery.ParentSpanId);
        Assert.Equal("api", delivery.Service.Split('-')[0]);
        Assert.True(parent.Name == "file.sync" || trace.Spans.Any(s => s.Name == "file.sync" && s.SpanId == parent.ParentSpanId),
            $"the delivery hangs under {parent.Name}, not under the sync");
        Assert.Contains(ticket.FileId.ToString(), receiver.Received.Single().Body);
    }

    [Fact]
    public async Task Derivatives_ready_is_delivered_once_with_the_metadata_and_thumbnails_and_spans_in_the_upload_s_trace()
    {
        using var receiver = WebhookReceiver.Start();
        var client = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);
        var webhook = await SubscribeAsync(client, receiver.Url, WebhookEventTypes.FileDerivativesReady);

        var (ticket, confirmation) = await client.UploadAsync(await TestPictures.SidewaysPhotoAsync(), "photo.jpg");

        var delivery = (await Eventually.MatchesAsync(() => Task.FromResult(receiver.Received), r => r.Count >= 1, "the derivatives_ready delivery")).Single();
        new StandardWebhook(webhook.Secret!).Verify(delivery.Body, delivery.Headers);
        var message = JsonDocument.Parse(delivery.Body).RootElement;
        Assert.Equal("file.derivatives_ready", message.GetProperty("type").GetString());
        var data = message.GetProperty("data");
        Assert.Equal(ticket.FileId, data.GetProperty("file_id").GetGuid());
        Assert.Equal("ready", data.GetProperty("derivatives").GetProperty("status").GetString());
        Assert.Equal(1200, data.GetProperty("metadata").GetProperty("width").GetInt32());
        Assert.Equal([200, 800], data.GetProperty("thumbnails").EnumerateArray().Select(t => t.GetProperty("size").GetInt32()));

        // The derivatives step hangs in the same trace as the upload, the sync and the delivery.
        var trace = await Eventually.MatchesAsync(() => stack.Dashboard.TraceAsync(confirmation.TraceId),
            t => t is not null && new[] { "file.sync", "file.derivatives", "file.thumbnails", "webhook.deliver" }.All(name => t.Spans.Any(s => s.Name == name)),
            "the derivatives' and the delivery's spans to reach the dashboard in the upload's trace");
        var making = trace!.Spans.Single(s => s.Name == "file.thumbnails");
        Assert.Equal("file.derivatives", trace.Spans.Single(s => s.SpanId == making.ParentSpanId).Name);
        Assert.Equal("worker", making.Service.Split('-')[0]);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Messages_settled_longer_ago_than_the_retention_are_forgotten_with_their_log_and_newer_ones_stay()
    {
        using var receiver = WebhookReceiver.Start();
        var client = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);
        var webhook = await SubscribeAsync(client, receiver.Url, WebhookEventTypes.FileSynced);
        await client.UploadAndConfirmAsync(UploadsClient.RandomBytes(2_000));
        await client.UploadAndConfirmAsync(UploadsClient.RandomBytes(2_001));
        var delivered = await Eventually.MatchesAsync(() => DeliveriesAsync(client, webhook.WebhookId),
            d => d.Count == 2 && d.All(x => x.State == WebhookDeliveryState.Delivered), "both deliveries to be logged");

        // One of them settled 31 days ago, past the 30 days messages are kept.
        var old = delivered[0];
        await stack.ExecuteAsync(
            "UPDATE webhook_messages SET fanned_out_at = now() - interval '31 days' WHERE id = @id", ("id", old.MessageId));

        var kept = await Eventually.MatchesAsync(() => DeliveriesAsync(client, webhook.WebhookId), d => d.Count == 1, "the old delivery to be forgotten");
        Assert.Equal(delivered[1].DeliveryId, kept.Single().DeliveryId);
        Assert.Equal(0, await stack.CountAsync(
            "SELECT count(*) FROM webhook_attempts WHERE delivery_id = @id", ("id", old.DeliveryId)));
    }

    [Fact]
    public async Task A_receiver_that_answers_500_twice_then_200_sees_three_attempts_of_the_same_message()
    {
        using var receiver = WebhookReceiver.Start(500, 500);
        var client = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);
        var webhook = await SubscribeAsync(client, receiver.Url, WebhookEventTypes.FileSynced);

        await client.WaitForStatusAsync(await client.UploadAndConfirmAsync(UploadsClient.RandomBytes(5_000)), FileStatus.Synced);

        var delivery = await Eventually.MatchesAsync(
            async () => (await DeliveriesAsync(client, webhook.WebhookId)).SingleOrDefault(),
            d => d?.State == WebhookDeliveryState.Delivered, "the delivery to succeed on its third attempt");
        Assert.Equal([500, 500, 200], receiver.Received.Select(r => r.AnsweredWith));
        Assert.Equal([500, 500, 200], delivery!.Attempts.Select(a => a.StatusCode));
        Assert.Single(receiver.Received.Select(r => r.Headers["webhook-id"].ToString()).Distinct());
        Assert.Single(receiver.Received.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task A_receiver_down_for_the_whole_schedule_leaves_failed_deliveries_disables_the_webhook_and_loses_no_file()
    {
        var client = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);
        var webhook = await SubscribeAsync(client, $"http://127.0.0.1:{FreePorts.Next()}/down", WebhookEventTypes.FileSynced);

        var files = new List<Guid>();
        for (var i = 0; i < UploadsStack.WebhookFailuresToDisable; i++)
        {
            files.Add(await client.UploadAndConfirmAsync(UploadsClient.RandomBytes(2_000 + i)));
        }

        foreach (var file in files)
        {
            Assert.Equal(FileStatus.Synced, (await client.WaitForStatusAsync(file, FileStatus.Synced)).Status);
        }

        var log = await Eventually.MatchesAsync(() => DeliveriesAsync(client, webhook.WebhookId),
            d => d.Count == files.Count && d.All(x => x.State == WebhookDeliveryState.Failed), "every delivery to fail for good");
        Assert.All(log, d => Assert.Equal(3, d.Attempts.Count));
        Assert.All(log.SelectMany(d => d.Attempts), a => Assert.Null(a.StatusCode));
        var disabled = (await client.Http.GetFromJsonAsync<WebhookView>($"/webhooks/{webhook.WebhookId}", UploadsClient.Json))!;
        Assert.False(disabled.Enabled);
        Assert.Contains("in a row failed", disabled.DisabledReason);
        Assert.Null(disabled.Secret);

        using var rotated = await client.Http.PostAsync($"/webhooks/{webhook.WebhookId}/rotate-secret", null);
        var enabled = (await rotated.Content.ReadFromJsonAsync<WebhookView>(UploadsClient.Json))!;
        Assert.True(enabled.Enabled);
        Assert.NotEqual(webhook.Secret, enabled.Secret);
    }

    [Fact]
    public async Task The_test_endpoint_sends_a_signed_test_delivery_to_that_webhook_only_and_redirects_are_not_followed()
    {
        using var receiver = WebhookReceiver.Start(302);
        var client = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);
        var webhook = await SubscribeAsync(client, receiver.Url, WebhookEventTypes.FileExpired);

        using var test = await client.Http.PostAsync($"/webhooks/{webhook.WebhookId}/test", null);

        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        var delivery = await Eventually.MatchesAsync(
            async () => (await DeliveriesAsync(client, webhook.WebhookId)).SingleOrDefault(),
            d => d?.State == WebhookDeliveryState.Delivered, "the test delivery to succeed after the redirect was refused");
        Assert.Equal([302, 200], delivery!.Attempts.Select(a => a.StatusCode));
        Assert.Equal("answered 302", delivery.Attempts[0].Error);
        var body = JsonDocument.Parse(receiver.Received[^1].Body).RootElement;
        Assert.Equal("webhook.test", body.GetProperty("type").GetString());
        new StandardWebhook(webhook.Secret!).Verify(receiver.Received[^1].Body, receiver.Received[^1].Headers);
    }

    [Fact]
    public async Task Webhooks_are_the_tenant_s_own_and_bad_subscriptions_are_refused_with_problems()
    {
        var client = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);
        var webhook = await SubscribeAsync(client, "http://127.0.0.1:9/mine", WebhookEventTypes.FileSynced);
        var other = stack.ClientFor($"hooks-{Guid.NewGuid():N}"[..24]);

        foreach (var (method, path) in new[] { ("GET", ""), ("DELETE", ""), ("POST", "/rotate-secret"), ("POST", "/test"), ("GET", "/deliveries") })
        {
            using var response = await other.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/webhooks/{webhook.WebhookId}{path}"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("WEBHOOK_NOT_FOUND", (await Problems.ReadAsync(response)).Code);
        }

        Assert.Empty((await other.Http.GetFromJsonAsync<WebhookList>("/webhooks", UploadsClient.Json))!.Webhooks);
        var listed = (await client.Http.GetFromJsonAsync<WebhookList>("/webhooks", UploadsClient.Json))!.Webhooks.Single();
        Assert.Equal((webhook.WebhookId, null), (listed.WebhookId, listed.Secret));

        foreach (var (body, field) in new[]
        {
            ("""{"url":"ftp://example.com/x","events":["file.synced"]}""", "url"),
            ("""{"url":"https://user:pw@example.com/x","events":["file.synced"]}""", "url"),
            ("""{"url":"https://example.com/x","events":["file.deleted"]}""", "events"),
            ("""{"url":"https://example.com/x","events":[]}""", "events"),
            ("""{"url":"https://example.com/x","events":["file.synced"],"description":"a\u202Eb"}""", "description"),
        })
        {
            using var response = await client.Http.PostAsync("/webhooks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(field, (await Problems.ReadAsync(response)).Errors.Keys);
        }

        using var deleted = await client.Http.DeleteAsync($"/webhooks/{webhook.WebhookId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await client.Http.GetFromJsonAsync<WebhookList>("/webhooks", UploadsClient.Json))!.Webhooks);
    }

    static async Task<WebhookView> SubscribeAsync(UploadsClient client, string url, params string[] events)
    {
        using var response = await client.PostJsonAsync("/webhooks", new { url, events, description = "tests" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<WebhookView>(UploadsClient.Json))!;
    }

    static async Task<IReadOnlyList<DeliveryView>> DeliveriesAsync(UploadsClient client, Guid webhookId) =>
        (await client.Http.GetFromJsonAsync<DeliveryList>($"/webhooks/{webhookId}/deliveries", UploadsClient.Json))!.Deliveries;
}
