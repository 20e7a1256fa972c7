using Uploads.Domain.Contracts;
using System.Net;
using System.Text;
using RabbitMQ.Client;
using Uploads.Api.Events;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Infrastructure.Caching;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.EndToEnd;

public sealed class BadPathTests(UploadsStack stack)
{
    [Fact]
    public async Task A_declared_digest_that_does_not_match_fails_the_file_with_HASH_MISMATCH()
    {
        var content = UploadsClient.RandomBytes(4096);
        var wrongDigest = UploadsClient.Sha256Of([.. content, 0]);
        var ticket = await stack.Client.RequestUploadAsync("tampered.bin", content.Length, wrongDigest);
        await UploadsClient.UploadToStorageAsync(ticket, content);
        await stack.Client.ConfirmAsync((ticket.FileId, content.Length));

        var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Failed);

        Assert.Equal(FileStatus.Failed, file.Status);
        Assert.Equal(FailureReasons.HashMismatch, file.FailureReason);
        Assert.Equal(FailureReasons.HashMismatch, file.History[^1].Reason);
        Assert.False(await stack.Redis.GetDatabase().KeyExistsAsync(FileContentCache.KeyFor(ticket.FileId)));
    }

    [Fact]
    public async Task Confirming_an_unknown_file_reports_FILE_NOT_FOUND_and_does_not_fail_the_others()
    {
        var content = UploadsClient.RandomBytes(10);
        var ticket = await stack.Client.RequestUploadAsync("known.bin", content.Length);
        await UploadsClient.UploadToStorageAsync(ticket, content);
        var unknown = Guid.NewGuid();

        var confirmation = await stack.Client.ConfirmAsync((unknown, 10), (ticket.FileId, content.Length));

        Assert.Equal(1, confirmation.Confirmed);
        Assert.Equal(ConfirmationCodes.FileNotFound, confirmation.Results[0].Error?.Code);
        Assert.Null(confirmation.Results[0].Status);
        Assert.Null(confirmation.Results[1].Error);
        Assert.Equal(FileStatus.Uploaded, confirmation.Results[1].Status);
    }

    [Fact]
    public async Task Confirming_before_uploading_reports_OBJECT_MISSING_and_the_file_can_still_be_uploaded()
    {
        var content = UploadsClient.RandomBytes(500);
        var ticket = await stack.Client.RequestUploadAsync("late.bin", content.Length);

        var early = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));

        Assert.Equal(0, early.Confirmed);
        Assert.Equal(ConfirmationCodes.ObjectMissing, early.Results.Single().Error?.Code);
        Assert.Equal(FileStatus.Pending, (await stack.Client.GetFileAsync(ticket.FileId)).Status);

        await UploadsClient.UploadToStorageAsync(ticket, content);
        var late = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        Assert.Equal(1, late.Confirmed);
        Assert.Equal(FileStatus.Synced, (await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced)).Status);
    }

    [Fact]
    public async Task Confirming_with_a_size_other_than_the_stored_object_reports_SIZE_MISMATCH_and_changes_nothing()
    {
        var content = UploadsClient.RandomBytes(1000);
        var ticket = await stack.Client.RequestUploadAsync("sized.bin");
        await UploadsClient.UploadToStorageAsync(ticket, content);

        var confirmation = await stack.Client.ConfirmAsync((ticket.FileId, 999));

        Assert.Equal(ConfirmationCodes.SizeMismatch, confirmation.Results.Single().Error?.Code);
        var file = await stack.Client.GetFileAsync(ticket.FileId);
        Assert.Equal(FileStatus.Pending, file.Status);
        Assert.Single(file.History);
    }

    [Fact]
    public async Task An_upload_larger_than_the_declared_size_is_refused_at_confirmation()
    {
        // s3rver does not enforce the policy's content-length-range, so the API checks the stored object itself.
        var content = UploadsClient.RandomBytes(2000);
        var ticket = await stack.Client.RequestUploadAsync("declared.bin", size: 1000);
        await UploadsClient.UploadToStorageAsync(ticket, content);

        var confirmation = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));

        Assert.Equal(ConfirmationCodes.SizeMismatch, confirmation.Results.Single().Error?.Code);
        Assert.Equal(FileStatus.Pending, (await stack.Client.GetFileAsync(ticket.FileId)).Status);
    }

    [Fact]
    public async Task Confirming_twice_publishes_one_event_and_records_one_history()
    {
        using var events = await FileUploadedTap.OpenAsync(stack.Resources.Messaging.ConnectionString);
        var content = UploadsClient.RandomBytes(2048);
        var ticket = await stack.Client.RequestUploadAsync("twice.bin", content.Length, UploadsClient.Sha256Of(content));
        await UploadsClient.UploadToStorageAsync(ticket, content);

        var first = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        var second = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        var third = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));

        Assert.Equal(FileStatus.Uploaded, first.Results.Single().Status);
        Assert.Null(second.Results.Single().Error);
        Assert.Equal(FileStatus.Synced, third.Results.Single().Status);
        Assert.Equal(1, await events.CountForAsync(ticket.FileId));
        var file = await stack.Client.GetFileAsync(ticket.FileId);
        Assert.Equal([FileStatus.Pending, FileStatus.Uploaded, FileStatus.Syncing, FileStatus.Synced], file.History.Select(h => h.Status));
    }

    [Fact]
    public async Task Concurrent_confirmations_of_one_file_move_it_once()
    {
        var content = UploadsClient.RandomBytes(300);
        var ticket = await stack.Client.RequestUploadAsync("race.bin", content.Length);
        await UploadsClient.UploadToStorageAsync(ticket, content);

        var confirmations = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => stack.Client.ConfirmAsync((ticket.FileId, content.Length))));

        Assert.All(confirmations, c => Assert.Null(c.Results.Single().Error));
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        Assert.Equal(1, await stack.CountAsync(
            "SELECT count(*) FROM file_transitions WHERE file_id = @id AND status = 'UPLOADED'", ("id", ticket.FileId)));
    }

    [Fact]
    public async Task Asking_for_an_unknown_file_answers_404_problem_details()
    {
        using var response = await stack.Client.Http.GetAsync($"/files/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await Problems.ReadAsync(response);
        Assert.Equal("FILE_NOT_FOUND", problem.Code);
    }

    /// <summary>A queue of the test's own, bound to MassTransit's FileUploaded exchange: it sees every event published.</summary>
    sealed class FileUploadedTap : IDisposable
    {
        // MassTransit names the exchange after the message type: namespace:name.
        static readonly string Exchange = $"{typeof(FileUploaded).Namespace}:{nameof(FileUploaded)}";
        readonly IConnection connection;
        readonly IChannel channel;
        readonly string queue;

        FileUploadedTap(IConnection connection, IChannel channel, string queue)
        {
            this.connection = connection;
            this.channel = channel;
            this.queue = queue;
        }

        public static async Task<FileUploadedTap> OpenAsync(string amqpUri)
        {
            var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
            var channel = await connection.CreateChannelAsync();
            await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true);
            var queue = (await channel.QueueDeclareAsync(exclusive: true, autoDelete: true)).QueueName;
            await channel.QueueBindAsync(queue, Exchange, "");
            return new FileUploadedTap(connection, channel, queue);
        }

        public async Task<int> CountForAsync(Guid fileId)
        {
            var count = 0;
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
            {
                count += Encoding.UTF8.GetString(message.Body.Span).Contains(fileId.ToString(), StringComparison.OrdinalIgnoreCase) ? 1 : 0;
            }

            return count;
        }

        public void Dispose()
        {
            channel.Dispose();
            connection.Dispose();
        }
    }
}
