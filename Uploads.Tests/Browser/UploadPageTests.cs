using Microsoft.Playwright;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Browser;

/// <summary>The upload page in headless Chromium (Debian's, driven by Playwright), against the real stack.</summary>
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
        await page.GotoAsync(stack.ApiUrl);

        await page.SetInputFilesAsync("#picker", new[]
        {
            new FilePayload { Name = "first.txt", MimeType = "text/plain", Buffer = first },
            new FilePayload { Name = "second.csv", MimeType = "text/csv", Buffer = second },
            new FilePayload { Name = "first-again.txt", MimeType = "text/plain", Buffer = first },
        });

        // What the user sees: each row's status cell reads SYNCED, its digest is shown, its progress bar is full.
        var rows = page.Locator("#files tbody tr");
        await Assertions.Expect(rows.Locator(".status")).ToHaveTextAsync(["SYNCED", "SYNCED", "SYNCED"], new() { Timeout = 60_000 });
        await Chromium.SaveScreenshotAsync(page, "upload-page.png");

        var expected = new[] { ("first.txt", first), ("second.csv", second), ("first-again.txt", first) };
        for (var i = 0; i < expected.Length; i++)
        {
            var (name, content) = expected[i];
            var row = rows.Nth(i);
            await Assertions.Expect(row.Locator("td.name")).ToContainTextAsync(name);
            await Assertions.Expect(row.Locator("td.sha256")).ToHaveTextAsync(UploadsClient.Sha256Of(content));
            await Assertions.Expect(row.Locator("progress")).ToBeVisibleAsync();
            Assert.Equal(100, await row.Locator("progress").EvaluateAsync<double>("bar => bar.value / bar.max * 100"));
            await Assertions.Expect(row.GetByRole(AriaRole.Link, new() { Name = "Download" })).ToBeVisibleAsync();
        }

        // The same content picked again is not uploaded twice: the row says so, and names the same file.
        await Assertions.Expect(rows.Nth(0).Locator(".badge")).ToHaveCountAsync(0);
        await Assertions.Expect(rows.Nth(2).Locator(".badge")).ToHaveTextAsync("deduplicated");
        Assert.Equal(await rows.Nth(0).GetAttributeAsync("data-file-id"), await rows.Nth(2).GetAttributeAsync("data-file-id"));

        var download = await page.RunAndWaitForDownloadAsync(() => rows.Nth(1).Locator("a").ClickAsync());
        var downloaded = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(second, downloaded);
    }

    [Fact]
    public async Task The_page_shows_a_picture_s_thumbnail_upright_and_its_metadata_once_they_are_ready()
    {
        var photo = await TestPictures.SidewaysPhotoAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(stack.ApiUrl);

        await page.SetInputFilesAsync("#picker", new FilePayload { Name = "sideways.jpg", MimeType = "image/jpeg", Buffer = photo });

        var row = page.Locator("#files tbody tr");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-derivatives", "ready", new() { Timeout = 90_000 });
        var preview = row.Locator(".preview img");
        await Assertions.Expect(preview).ToBeVisibleAsync();
        // The browser decoded the thumbnail itself: 100 × 200, upright, as the EXIF orientation says.
        var size = await preview.EvaluateAsync<int[]>("img => [img.naturalWidth, img.naturalHeight]");
        Assert.Equal((100, 200), (size[0], size[1]));
        await Assertions.Expect(row.Locator(".metadata")).ToHaveTextAsync("1200 × 600 · jpeg · TestCam Model X · 2024-05-01 12:30:00 · 48.8584, 2.2945");
        await Chromium.SaveScreenshotAsync(page, "upload-page-thumbnail.png");
    }
}
