using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Api;

[Collection(StackCollection.Name)]
public sealed class EventStreamTests(UploadsStack stack)
{
    [Fact]
    public async Task A_subscriber_from_the_start_sees_every_transition_in_order_and_the_stream_ends()
    {
        var content = UploadsClient.RandomBytes(5000);
        var ticket = await stack.Client.RequestUploadAsync("watched.bin", content.Length, UploadsClient.Sha256Of(content));
        using var response = await OpenAsync(ticket.FileId);
        var reading = ReadAllAsync(response);

        await UploadsClient.UploadToStorageAsync(ticket, content);
        await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        var events = await reading.WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal([FileStatus.Pending, FileStatus.Uploaded, FileStatus.Syncing, FileStatus.Synced], events.Select(e => e.Data.Status));
        Assert.All(events, e => Assert.Equal("status", e.EventType));
        Assert.All(events, e => Assert.Equal(ticket.FileId, e.Data.FileId));
        var ids = events.Select(e => long.Parse(e.EventId!)).ToList();
        Assert.Equal(ids.Order(), ids);
    }

    [Fact]
    public async Task A_late_subscriber_gets_the_final_state_and_the_stream_ends()
    {
        var fileId = await stack.Client.UploadAndConfirmAsync(UploadsClient.RandomBytes(100));
        await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);

        using var response = await OpenAsync(fileId);
        var events = await ReadAllAsync(response).WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal(FileStatus.Synced, Assert.Single(events).Data.Status);
    }

    [Fact]
    public async Task Events_of_an_unknown_file_answer_404()
    {
        using var response = await stack.Client.Http.GetAsync($"/files/{Guid.NewGuid()}/events");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("FILE_NOT_FOUND", (await Problems.ReadAsync(response)).Code);
    }

    async Task<HttpResponseMessage> OpenAsync(Guid fileId)
    {
        var response = await stack.Client.Http.GetAsync($"/files/{fileId}/events", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    static async Task<List<SseItem<FileStatusEvent>>> ReadAllAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var events = new List<SseItem<FileStatusEvent>>();
        await foreach (var item in SseParser.Create(stream, (type, data) => JsonSerializer.Deserialize<FileStatusEvent>(data, UploadsClient.Json)!).EnumerateAsync())
        {
            events.Add(item);
        }

        return events;
    }
}
