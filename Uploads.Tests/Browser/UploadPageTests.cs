using Microsoft.Playwright;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Browser;

/// <summary>The upload page in headless Chromium (Debian's, driven by Playwright), against the real stack.</summary>
[Collection(StackCollection.Name)]
public sealed class UploadPageTests(UploadsStack stack)
{
    [Fact]
    public async Task The_page_uploads_three_files_straight_to_storage_and_shows_them_synced_with_their_digests()
    {
        var first = UploadsClient.RandomBytes(30_000);
        var second = UploadsClient.RandomBytes(12_345);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(stack.Resources.Api.Url);

        await page.SetInputFilesAsync("#picker", new[]
        {
            new FilePayload { Name = "first.txt", MimeType = "text/plain", Buffer = first },
            new FilePayload { Name = "second.csv", MimeType = "text/csv", Buffer = second },
            new FilePayload { Name = "first-again.txt", MimeType = "text/plain", Buffer = first },
        });

        var synced = page.Locator("#files tbody tr[data-status='SYNCED']");
        await Assertions.Expect(synced).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await Chromium.SaveScreenshotAsync(page, "upload-page.png");

        var rows = page.Locator("#files tbody tr");
        Assert.Equal(UploadsClient.Sha256Of(first), await rows.Nth(0).GetAttributeAsync("data-sha256"));
        Assert.Equal(UploadsClient.Sha256Of(second), await rows.Nth(1).GetAttributeAsync("data-sha256"));
        Assert.Equal(UploadsClient.Sha256Of(first), await rows.Nth(2).GetAttributeAsync("data-sha256"));
        Assert.Null(await rows.Nth(0).GetAttributeAsync("data-deduplicated"));
        Assert.Equal("true", await rows.Nth(2).GetAttributeAsync("data-deduplicated"));
        Assert.Equal(await rows.Nth(0).GetAttributeAsync("data-file-id"), await rows.Nth(2).GetAttributeAsync("data-file-id"));

        var download = await page.RunAndWaitForDownloadAsync(() => rows.Nth(1).Locator("a").ClickAsync());
        var downloaded = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(second, downloaded);
    }
}
