using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Recovery;

/// <summary>clamd stopped while a file waits for its scan, on the stack of the fault tests.</summary>
[Collection(ExclusiveCollection.Name)]
public sealed class ScannerOutageTests(UploadsStack stack)
{
    [Fact]
    public async Task A_file_syncs_only_after_a_clean_scan_when_the_scanner_was_down_meanwhile()
    {
        var content = UploadsClient.RandomBytes(4096);
        await stack.StopAsync(stack.Resources.Scanner);
        Guid fileId;
        try
        {
            (var ticket, _) = await stack.Client.UploadAsync(content, "while-scanner-down.bin", UploadsClient.Sha256Of(content));
            fileId = ticket.FileId;

            // The outage met the work: a sync claimed the file, could not scan it, let go, and another claimed it again.
            var retried = await Eventually.MatchesAsync(
                () => stack.Client.GetFileAsync(fileId),
                file => file.History.Count(h => h.Status == FileStatus.Syncing) >= 2,
                "a sync to fail on the missing scanner and be retried",
                TimeSpan.FromMinutes(1));
            Assert.NotEqual(FileStatus.Synced, retried.Status);
            Assert.NotEqual(FileStatus.Failed, retried.Status);
        }
        finally
        {
            await stack.StartAsync([stack.Resources.Scanner]);
        }

        var synced = await stack.Client.WaitForStatusAsync(fileId, FileStatus.Synced, TimeSpan.FromMinutes(2));
        Assert.Equal(FileStatus.Synced, synced.Status);
        Assert.Equal(UploadsClient.Sha256Of(content), synced.Sha256);
    }
}
