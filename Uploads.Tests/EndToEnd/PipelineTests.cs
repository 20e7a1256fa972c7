using Uploads.Infrastructure.Storage;
using Uploads.Infrastructure.Caching;
using Uploads.Domain.Files;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.EndToEnd;

public sealed class PipelineTests(UploadsStack stack)
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(64 * 1024)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task An_uploaded_file_ends_synced_with_its_digest_cached_and_its_history_stored(int length)
    {
        var content = UploadsClient.RandomBytes(length);

        var fileId = await stack.Client.UploadAndConfirmAsync(content, "orders.csv");
        var file = await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);

        Assert.Equal(FileStatus.Synced, file.Status);
        Assert.Equal(UploadsClient.Sha256Of(content), file.Sha256);
        Assert.Equal(length, file.Size);
        Assert.Equal([FileStatus.Pending, FileStatus.Uploaded, FileStatus.Syncing, FileStatus.Synced], file.History.Select(h => h.Status));

        byte[]? cached = await stack.Redis.GetDatabase().StringGetAsync(FileContentCache.KeyFor(fileId));
        Assert.Equal(content, cached);
        var ttl = await stack.Redis.GetDatabase().KeyTimeToLiveAsync(FileContentCache.KeyFor(fileId));
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24));

        var stored = await stack.Storage.GetObjectMetadataAsync(UploadsStack.Bucket, ObjectKeys.For(UploadsStack.Tenant, fileId));
        Assert.Equal(length, stored.ContentLength);
    }

    [Fact]
    public async Task Several_files_confirmed_in_one_call_all_end_synced()
    {
        var contents = Enumerable.Range(0, 5).Select(i => UploadsClient.RandomBytes(1000 + i)).ToArray();
        var tickets = new List<(Guid FileId, long Size, byte[] Content)>();
        foreach (var content in contents)
        {
            var ticket = await stack.Client.RequestUploadAsync("part.bin", content.Length, UploadsClient.Sha256Of(content));
            await UploadsClient.UploadToStorageAsync(ticket, content);
            tickets.Add((ticket.FileId, content.Length, content));
        }

        var confirmation = await stack.Client.ConfirmAsync([.. tickets.Select(t => (t.FileId, t.Size))]);

        Assert.Equal(5, confirmation.Confirmed);
        Assert.All(confirmation.Results, r => Assert.Equal(FileStatus.Uploaded, r.Status));
        foreach (var (fileId, _, content) in tickets)
        {
            var file = await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced);
            Assert.Equal(UploadsClient.Sha256Of(content), file.Sha256);
        }
    }

    [Fact]
    public async Task Each_transition_records_the_trace_of_the_request_or_message_that_caused_it()
    {
        var (ticket, confirmation) = await stack.Client.UploadAsync(UploadsClient.RandomBytes(100), "traced.bin");

        var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);

        Assert.Equal(ticket.TraceId, file.History[0].TraceId);
        // The worker's transitions continue the confirmation's trace: the context travels in the message headers.
        Assert.All(file.History.Skip(1), h => Assert.Equal(confirmation.TraceId, h.TraceId));
    }
}
