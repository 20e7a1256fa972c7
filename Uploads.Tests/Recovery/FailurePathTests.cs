using System.Net;
using Uploads.Api.Reads;
using Uploads.Api.Uploads;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

/// <summary>
/// The rows of the "No file lost" table (docs/architecture.md) that need a fault to land in the middle of the work. Each test first
/// proves that its fault met the work (the proxy refused or swallowed something, a sync was retried), then asserts the
/// outcome; with the fault taken away, the first assertion fails.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class FailurePathTests(UploadsStack stack)
{
    [Fact]
    public async Task Storage_down_during_a_sync_then_back_ends_SYNCED()
    {
        var content = UploadsClient.RandomBytes(5000);
        var refusedBefore = stack.StorageProxy.Refused;
        var ticket = await ConfirmedWhileWorkersCannotReachStorageAsync(content);
        try
        {
            var retried = await Eventually.MatchesAsync(
                () => stack.Client.GetFileAsync(ticket.FileId),
                file => stack.StorageProxy.Refused > refusedBefore && file.History.Count(h => h.Status == FileStatus.Syncing) >= 2,
                "a sync to meet the storage outage and be retried",
                TimeSpan.FromMinutes(1));
            Assert.Equal(FileStatus.Syncing, retried.Status);
        }
        finally
        {
            stack.StorageProxy.Set(FaultMode.Pass);
        }

        var synced = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced, TimeSpan.FromMinutes(2));
        Assert.Equal(FileStatus.Synced, synced.Status);
        Assert.Equal(UploadsClient.Sha256Of(content), synced.Sha256);
    }

    [Fact]
    public async Task Storage_down_for_good_ends_FAILED_SYNC_FAILED_after_the_configured_deliveries()
    {
        var content = UploadsClient.RandomBytes(5000);
        var refusedBefore = stack.StorageProxy.Refused;
        FileDetails failed;
        try
        {
            var ticket = await ConfirmedWhileWorkersCannotReachStorageAsync(content);
            failed = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Failed, TimeSpan.FromMinutes(4));
            Assert.True(stack.StorageProxy.Refused > refusedBefore, stack.StorageProxy.ToString());
        }
        finally
        {
            stack.StorageProxy.Set(FaultMode.Pass);
        }

        // Sync__MaxDeliveries (4): every delivery claimed the file and met the outage.
        Assert.Equal(FileStatus.Failed, failed.Status);
        Assert.Equal($"{FailureReasons.SyncFailed}: every delivery of the sync failed (4 of 4)", failed.FailureReason);
        Assert.True(failed.History.Count(h => h.Status == FileStatus.Syncing) >= 4);
        // What failed stays in the logs and the trace: no exception type or message reaches the client.
        Assert.DoesNotContain("Exception", failed.FailureReason);
    }

    [Fact]
    public async Task An_object_deleted_after_confirmation_ends_FAILED_OBJECT_MISSING()
    {
        var content = UploadsClient.RandomBytes(2000);
        try
        {
            var ticket = await ConfirmedWhileWorkersCannotReachStorageAsync(content);
            await stack.Storage.DeleteObjectAsync(UploadsStack.Bucket, ObjectKeys.UploadFor(UploadsStack.Tenant, ticket.FileId));
            stack.StorageProxy.Set(FaultMode.Pass);

            var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Failed);

            Assert.Equal(FailureReasons.ObjectMissing, file.FailureReason);
        }
        finally
        {
            stack.StorageProxy.Set(FaultMode.Pass);
        }
    }

    [Fact]
    public async Task An_object_replaced_by_another_size_after_confirmation_ends_FAILED_SIZE_CHANGED()
    {
        var content = UploadsClient.RandomBytes(2000);
        try
        {
            var ticket = await ConfirmedWhileWorkersCannotReachStorageAsync(content);
            // The form is still valid and declares no size: storage takes 3,000 bytes in place of the confirmed 2,000.
            await UploadsClient.UploadToStorageAsync(ticket, UploadsClient.RandomBytes(3000));
            stack.StorageProxy.Set(FaultMode.Pass);

            var file = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Failed);

            Assert.Equal(FailureReasons.SizeChanged, file.FailureReason);
        }
        finally
        {
            stack.StorageProxy.Set(FaultMode.Pass);
        }
    }

    [Fact]
    public async Task A_confirmation_whose_event_never_reaches_the_broker_is_republished_and_syncs()
    {
        var content = UploadsClient.RandomBytes(3000);
        var ticket = await stack.Client.RequestUploadAsync("unannounced.bin", content.Length, UploadsClient.Sha256Of(content));
        await UploadsClient.UploadToStorageAsync(ticket, content);
        var republishedBefore = await RepublishedAsync();
        var swallowedBefore = stack.BrokerProxy.Swallowed;
        stack.BrokerProxy.Set(FaultMode.BlackHole);
        try
        {
            // Committed UPLOADED, then the publish waits on a broker that never answers (as if the API died before it).
            var confirmation = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
            Assert.Equal(FileStatus.Uploaded, confirmation.Results.Single().Status);
            Assert.True(stack.BrokerProxy.Swallowed > swallowedBefore, stack.BrokerProxy.ToString());
            Assert.Equal(FileStatus.Uploaded, (await stack.Client.GetFileAsync(ticket.FileId)).Status);
        }
        finally
        {
            stack.BrokerProxy.Set(FaultMode.Pass);
        }

        var synced = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced, TimeSpan.FromMinutes(2));
        Assert.Equal(FileStatus.Synced, synced.Status);
        // The event the broker swallowed never came back: the reconciler republished the file (the tests of this
        // collection run alone, so the difference is this file's).
        await Eventually.TrueAsync(async () => await RepublishedAsync() > republishedBefore, "the reconciler's republish to be counted");
    }

    [Fact]
    public async Task An_API_killed_between_committing_a_confirmation_and_publishing_it_leaves_a_file_the_reconciler_republishes()
    {
        var content = UploadsClient.RandomBytes(3000);
        var ticket = await stack.Client.RequestUploadAsync("orphaned.bin", content.Length, UploadsClient.Sha256Of(content));
        await UploadsClient.UploadToStorageAsync(ticket, content);
        var swallowedBefore = stack.BrokerProxy.Swallowed;
        stack.BrokerProxy.Set(FaultMode.BlackHole);
        Task<ConfirmUploadsResponse> confirming;
        try
        {
            // The publish, which follows the commit, hangs on the black hole for up to Uploads:PublishTimeout: the API
            // dies in that window, once the commit is in the database and the publish has reached the broker's link.
            confirming = stack.Client.ConfirmAsync((ticket.FileId, content.Length));
            await Eventually.TrueAsync(
                async () => stack.BrokerProxy.Swallowed > swallowedBefore
                    && await stack.CountAsync("SELECT count(*) FROM files WHERE id = @id AND status = 'UPLOADED'", ("id", ticket.FileId)) == 1,
                "the confirmation to be committed and its publish to be under way",
                TimeSpan.FromSeconds(5));
            await stack.KillAsync(stack.Resources.Api);
        }
        finally
        {
            stack.BrokerProxy.Set(FaultMode.Pass);
        }

        // The kill landed between commit and publish: the caller never heard back.
        try
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => confirming);
        }
        finally
        {
            await stack.StartAsync([stack.Resources.Api]);
        }

        var synced = await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced, TimeSpan.FromMinutes(2));
        Assert.Equal(FileStatus.Synced, synced.Status);
        Assert.Single(synced.History, h => h.Status == FileStatus.Uploaded);
        Assert.Single(synced.History, h => h.Status == FileStatus.Synced);
    }

    /// <summary>
    /// The API's connections to PostgreSQL are refused while a client confirms: after the database layer's retries
    /// (three here) the answer is 503 with Retry-After and a problem, never a 500, and the file is left PENDING, so the
    /// same confirmation once the database is back moves it and it syncs.
    /// </summary>
    [Fact]
    public async Task A_confirmation_while_the_database_is_out_of_reach_is_answered_503_with_Retry_After_and_can_be_sent_again()
    {
        var content = UploadsClient.RandomBytes(1000);
        var ticket = await stack.Client.RequestUploadAsync("unreachable.bin", content.Length, UploadsClient.Sha256Of(content));
        await UploadsClient.UploadToStorageAsync(ticket, content);
        var refusedBefore = stack.DatabaseProxy.Refused + stack.DatabaseProxy.Reset;
        HttpResponseMessage answer;
        stack.DatabaseProxy.Set(FaultMode.Refuse);
        try
        {
            answer = await stack.Client.PostJsonAsync("/files/confirm-uploads", new { files = new[] { new { file_id = ticket.FileId, file_size = content.Length } } });
        }
        finally
        {
            stack.DatabaseProxy.Set(FaultMode.Pass);
        }

        using (answer)
        {
            Assert.True(stack.DatabaseProxy.Refused + stack.DatabaseProxy.Reset > refusedBefore, stack.DatabaseProxy.ToString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.True(answer.Headers.RetryAfter is not null, "no Retry-After");
            var problem = await Problems.ReadAsync(answer);
            Assert.Equal("SERVICE_UNAVAILABLE", problem.Code);
            Assert.False(string.IsNullOrEmpty(problem.TraceId));
        }

        Assert.Equal(FileStatus.Pending, (await UploadsClient.RetryWhileUnavailableAsync(() => stack.Client.GetFileAsync(ticket.FileId), TimeSpan.FromMinutes(1))).Status);
        var again = await UploadsClient.RetryWhileUnavailableAsync(() => stack.Client.ConfirmAsync((ticket.FileId, content.Length)), TimeSpan.FromMinutes(1));
        Assert.Null(again.Results.Single().Error);
        Assert.Equal(UploadsClient.Sha256Of(content), (await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced)).Sha256);
    }

    /// <summary>
    /// Cuts the workers off from storage, then uploads and confirms a file (the API still reaches storage): the fault is in
    /// place before any sync of the file can begin. The caller lets storage through again.
    /// </summary>
    async Task<UploadTicket> ConfirmedWhileWorkersCannotReachStorageAsync(byte[] content)
    {
        stack.StorageProxy.Set(FaultMode.Refuse);
        var ticket = await stack.Client.RequestUploadAsync("faulted.bin");
        await UploadsClient.UploadToStorageAsync(ticket, content);
        var confirmation = await stack.Client.ConfirmAsync((ticket.FileId, content.Length));
        Assert.Equal(FileStatus.Uploaded, confirmation.Results.Single().Status);
        return ticket;
    }

    /// <summary>Files left UPLOADED that the workers' reconcilers republished, so far.</summary>
    async Task<double> RepublishedAsync()
    {
        var metrics = await stack.Dashboard.SettledMetricsAsync(stack.Resources.Workers.Select(w => w.Name));
        return stack.Resources.Workers.Sum(w => DashboardClient.Total(metrics, w.Name, "uploads.reconciler.repairs", ("repair", "republish_uploaded")));
    }
}
