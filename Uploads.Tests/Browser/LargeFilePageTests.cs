using Amazon.S3;
using Microsoft.Playwright;
using Uploads.Api.Security;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Browser;

/// <summary>
/// Large files from the upload page, in Debian's Chromium: resumed after a reload, cancelled. Storage counts what it
/// received (<see cref="StorageFaults"/>). Parts in parallel, retried, in bounded memory: <see cref="LargeFileBoundsTests"/>.
/// </summary>
public sealed class LargeFilePageTests(UploadsStack stack)
{
    const long MiB = 1024 * 1024;
    static readonly TimeSpan Settles = TimeSpan.FromMinutes(5);

    /// <summary>The page signs in as the development token's tenant.</summary>
    UploadsClient PageTenant => stack.ClientFor(DevelopmentTokenEndpoint.DemoTenant);

    [Fact]
    public async Task A_reload_in_the_middle_resumes_the_same_file_and_sends_only_the_parts_storage_lacks()
    {
        using var large = await LargeFile.CreateAsync(200 * MiB);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var (row, fileId, uploadId) = await UploadUntilStoredAsync(page, large, parts: 3);

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#unfinished")).ToContainTextAsync(Path.GetFileName(large.Path));
        var storedBefore = await StoredPartsAsync(fileId);
        var receivedBefore = await stack.StorageFaults.ReceivedAsync(uploadId);
        await page.SetInputFilesAsync("#picker", large.Path);

        row = page.Locator("#files tbody tr").First;
        await ExpectSyncedAsync(row);
        var receivedAfter = await stack.StorageFaults.ReceivedAsync(uploadId);
        var sentAfterReload = receivedAfter.Total - receivedBefore.Total;

        Assert.Equal(fileId.ToString(), await row.GetAttributeAsync("data-file-id"));
        Assert.Equal(large.Sha256, (await PageTenant.GetFileAsync(fileId)).Sha256);
        Assert.All(storedBefore, part => Assert.Equal(receivedBefore.Of(part), receivedAfter.Of(part)));
        Assert.Equal(13, receivedAfter.Parts.Count);
        Assert.InRange(sentAfterReload, 1, 13 - storedBefore.Count);
        Assert.All(Enumerable.Range(1, 13).Except(storedBefore), part => Assert.InRange(receivedAfter.Of(part) - receivedBefore.Of(part), 0, 1));
        await Assertions.Expect(page.Locator("#unfinished")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Cancel_aborts_the_multipart_upload_storage_keeps_no_part_and_the_file_ends_EXPIRED_CANCELLED()
    {
        // Large enough that the upload is still going when the cancel lands: 100 MB once finished first (seen in CI).
        using var large = await LargeFile.CreateAsync(400 * MiB);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var (row, fileId, _) = await UploadUntilStoredAsync(page, large, parts: 1);

        await row.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // The page first stops its parts in flight, then asks the API to cancel: more than Playwright's five seconds on a loaded machine.
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("CANCELLED", new() { Timeout = 30_000 });
        var file = await PageTenant.GetFileAsync(fileId);
        Assert.Equal(FileStatus.Expired, file.Status);
        Assert.Equal(FailureReasons.Cancelled, file.History.Last().Reason);
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => StoredPartsAsync(fileId));
        Assert.Equal("NoSuchUpload", gone.ErrorCode);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#unfinished")).ToBeHiddenAsync();
    }

    /// <summary>Waits for the row to settle, and shows what the page said when it did not end SYNCED.</summary>
    internal static async Task ExpectSyncedAsync(ILocator row)
    {
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex("^(SYNCED|FAILED|EXPIRED|ERROR|CANCELLED)$"), new() { Timeout = (float)Settles.TotalMilliseconds });
        Assert.True(await row.Locator(".status").TextContentAsync() == "SYNCED", await row.InnerTextAsync());
    }

    /// <summary>Picks <paramref name="large"/> on the page and waits until storage holds <paramref name="parts"/> of its parts.</summary>
    async Task<(ILocator Row, Guid FileId, string UploadId)> UploadUntilStoredAsync(IPage page, LargeFile large, int parts)
    {
        await page.GotoAsync(stack.ApiUrl);
        await page.SetInputFilesAsync("#picker", large.Path);
        var row = page.Locator("#files tbody tr").First;
        await Assertions.Expect(row).ToHaveAttributeAsync("data-file-id", new System.Text.RegularExpressions.Regex("."));
        var fileId = Guid.Parse((await row.GetAttributeAsync("data-file-id"))!);
        var uploadId = (await stack.MultipartUploadIdAsync(fileId))!;
        await Eventually.TrueAsync(async () => (await StoredPartsAsync(fileId)).Count >= parts, $"{parts} part(s) to be stored");
        return (row, fileId, uploadId);
    }

    Task<IReadOnlyList<int>> StoredPartsAsync(Guid fileId) => stack.StoredPartsAsync(DevelopmentTokenEndpoint.DemoTenant, fileId);
}
