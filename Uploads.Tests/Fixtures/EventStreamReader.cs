using System.Net.ServerSentEvents;
using System.Text.Json;
using Uploads.Api.Events;

namespace Uploads.Tests.Fixtures;

/// <summary>Reads a file's event stream (<c>GET /files/{id}/events</c>) as a client would.</summary>
public static class EventStreamReader
{
    /// <summary>The first event of the stream.</summary>
    public static async Task<SseItem<FileStatusEvent>> FirstAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        await foreach (var item in Parse(stream).EnumerateAsync())
        {
            return item;
        }

        throw new InvalidOperationException("The stream ended without an event.");
    }

    /// <summary>Every event, until the API ends the stream (after a terminal state).</summary>
    public static async Task<List<SseItem<FileStatusEvent>>> ReadAllAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var events = new List<SseItem<FileStatusEvent>>();
        await foreach (var item in Parse(stream).EnumerateAsync())
        {
            events.Add(item);
        }

        return events;
    }

    static SseParser<FileStatusEvent> Parse(Stream stream) =>
        SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<FileStatusEvent>(data, UploadsClient.Json)!);
}
