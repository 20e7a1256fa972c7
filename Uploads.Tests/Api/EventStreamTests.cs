using System.Net;
using System.Net.ServerSentEvents;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

public sealed class EventStreamTests(UploadsStack stack)
{
    [Fact]
    public async Task A_subscriber_from_the_start_sees_every_transition_in_order_as_stored_and_the_stream_ends()
    {
        var content = UploadsClient.RandomBytes(5000);
        var ticket = await stack.Client.RequestUploadAsync("watched.bin", content.Length, UploadsClient.Sha256Of(content));
        using var response = await OpenAsync(ticket.FileId);
        var reading = EventStreamReader.ReadAllAsync(response);

        await UploadsClient.UploadToStorageAsync(ticket, content);
        await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        var events = await reading.WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal([FileStatus.Pending, FileStatus.Uploaded, FileStatus.Syncing, FileStatus.Synced], events.Select(e => e.Data.Status));
        Assert.All(events, e => Assert.Equal("status", e.EventType));
        Assert.All(events, e => Assert.Equal(ticket.FileId, e.Data.FileId));
        var ids = events.Select(e => long.Parse(e.EventId!)).ToList();
        Assert.Equal(ids.Order(), ids);
        // The first event comes from the table, the rest (as a rule) from the notices: each is the stored transition.
        var stored = await stack.ScalarAsync("""
            SELECT string_agg(id || ' ' || status || ' ' || (extract(epoch FROM at) * 1000000)::bigint || ' ' || coalesce(reason, '-'), ' | ' ORDER BY id)
            FROM file_transitions WHERE file_id = @id
            """, ("id", ticket.FileId));
        var streamed = string.Join(" | ", events.Select(e =>
            $"{e.EventId} {StatusNames.ToName(e.Data.Status)} {(e.Data.At - DateTimeOffset.UnixEpoch).Ticks / 10} {e.Data.Reason ?? "-"}"));
        Assert.Equal(stored, streamed);
    }

    [Fact]
    public async Task A_late_subscriber_gets_the_final_state_and_the_stream_ends()
    {
        var fileId = await stack.Client.UploadAndConfirmAsync(UploadsClient.RandomBytes(100));
        await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);

        using var response = await OpenAsync(fileId);
        var events = await EventStreamReader.ReadAllAsync(response).WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal(FileStatus.Synced, Assert.Single(events).Data.Status);
    }

    [Fact]
    public async Task Events_of_an_unknown_file_answer_404()
    {
        using var response = await stack.Client.Http.GetAsync($"/files/{Guid.NewGuid()}/events");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("FILE_NOT_FOUND", (await Problems.ReadAsync(response)).Code);
    }

    [Theory]
    [InlineData("header")]
    [InlineData("query")]
    public async Task A_client_that_reconnects_with_the_last_event_id_gets_the_transitions_it_missed(string how)
    {
        var content = UploadsClient.RandomBytes(3000);
        var ticket = await stack.Client.RequestUploadAsync("reconnected.bin", content.Length, UploadsClient.Sha256Of(content));
        SseItem<FileStatusEvent> seen;
        using (var first = await OpenAsync(ticket.FileId))
        {
            seen = await EventStreamReader.FirstAsync(first);
        }

        // Offline meanwhile: the file moves on without this client.
        await UploadsClient.UploadToStorageAsync(ticket, content);
        await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        using var resumed = await OpenAsync(ticket.FileId, seen.EventId, how);
        var missed = await EventStreamReader.ReadAllAsync(resumed).WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal(FileStatus.Pending, seen.Data.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), seen.ReconnectionInterval);
        Assert.Equal([FileStatus.Uploaded, FileStatus.Syncing, FileStatus.Synced], missed.Select(e => e.Data.Status));
        Assert.All(missed, e => Assert.True(long.Parse(e.EventId!) > long.Parse(seen.EventId!)));
    }

    [Fact]
    public async Task A_client_that_saw_the_last_event_of_a_settled_file_gets_204_and_stops_reconnecting()
    {
        var fileId = await stack.Client.UploadAndConfirmAsync(UploadsClient.RandomBytes(100));
        await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);
        string last;
        using (var stream = await OpenAsync(fileId))
        {
            last = (await EventStreamReader.ReadAllAsync(stream).WaitAsync(Eventually.DefaultTimeout))[^1].EventId!;
        }

        var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{fileId}/events");
        request.Headers.Add("Last-Event-ID", last);
        using var response = await stack.Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task A_last_event_id_of_another_file_is_ignored()
    {
        var other = await stack.Client.RequestUploadAsync("other.bin", 10);
        string othersId;
        using (var stream = await OpenAsync(other.FileId))
        {
            othersId = (await EventStreamReader.FirstAsync(stream)).EventId!;
        }

        var fileId = await stack.Client.UploadAndConfirmAsync(UploadsClient.RandomBytes(100));
        await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);
        using var response = await OpenAsync(fileId, othersId);
        var events = await EventStreamReader.ReadAllAsync(response).WaitAsync(Eventually.DefaultTimeout);

        // As without an id: the current state, then the end.
        Assert.Equal(FileStatus.Synced, Assert.Single(events).Data.Status);
    }

    [Fact]
    public async Task A_tenant_over_its_open_stream_cap_gets_429_and_a_closed_stream_frees_its_place()
    {
        var tenant = stack.ClientFor($"streams-{Guid.NewGuid():N}"[..24]);
        var ticket = await tenant.RequestUploadAsync("watched-a-lot.bin", 10);
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < UploadsStack.MaxEventStreamsPerTenant; i++)
            {
                var response = await tenant.Http.GetAsync($"/files/{ticket.FileId}/events", HttpCompletionOption.ResponseHeadersRead);
                open.Add(response);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            using (var over = await tenant.Http.GetAsync($"/files/{ticket.FileId}/events", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
                Assert.Equal("TOO_MANY_STREAMS", (await Problems.ReadAsync(over)).Code);
                Assert.True(int.Parse(over.Headers.GetValues("Retry-After").Single()) >= 1);
            }

            // Another tenant has places of its own.
            using (var other = await stack.Client.Http.GetAsync($"/files/{(await stack.Client.RequestUploadAsync("other.bin", 10)).FileId}/events", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, other.StatusCode);
            }

            open[0].Dispose();
            open.RemoveAt(0);
            var reopened = await Eventually.MatchesAsync(
                () => tenant.Http.GetAsync($"/files/{ticket.FileId}/events", HttpCompletionOption.ResponseHeadersRead),
                response => response.StatusCode == HttpStatusCode.OK || Dispose(response),
                "a closed stream's place to be given back");
            open.Add(reopened);
        }
        finally
        {
            open.ForEach(response => response.Dispose());
        }

        static bool Dispose(HttpResponseMessage response)
        {
            response.Dispose();
            return false;
        }
    }

    [Fact]
    public void A_file_is_watched_only_while_a_stream_watches_it()
    {
        var notifications = new TransitionNotifications(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TransitionNotifications>.Instance);

        var first = notifications.WatchFile(Guid.NewGuid());
        var sharedFile = Guid.NewGuid();
        var second = notifications.WatchFile(sharedFile);
        var third = notifications.WatchFile(sharedFile);
        Assert.Equal(2, notifications.WatchedFiles);

        first.Dispose();
        second.Dispose();
        Assert.Equal(1, notifications.WatchedFiles);
        third.Dispose();

        // What GET /files/{unknown}/events used to leave behind, one entry per id asked for.
        Assert.Equal(0, notifications.WatchedFiles);
    }

    async Task<HttpResponseMessage> OpenAsync(Guid fileId, string? lastEventId = null, string how = "header")
    {
        var request = new HttpRequestMessage(HttpMethod.Get,
            $"/files/{fileId}/events{(lastEventId is not null && how == "query" ? $"?last_event_id={lastEventId}" : "")}");
        if (lastEventId is not null && how == "header")
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await stack.Client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }
}
