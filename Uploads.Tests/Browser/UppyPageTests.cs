using Microsoft.Playwright;
using Uploads.Api.Security;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Browser;

/// <summary>
/// Uppy (Dashboard, <c>@uppy/aws-s3</c>, Golden Retriever, from npm) pointed at this API's Companion routes, in Chromium:
/// a small file goes in one POST that storage's event confirms, a large one in parts; both become our files, SYNCED.
/// </summary>
[Collection(ExclusiveCollection.Name)]
public sealed class UppyPageTests(UploadsStack stack)
{
    [Fact]
    public async Task Uppy_uploads_a_small_file_in_one_POST_and_a_large_one_in_parts_and_both_end_SYNCED_as_our_files()
    {
        var small = UploadsClient.RandomBytes(50_000);
        var large = UploadsClient.RandomBytes(20 * 1024 * 1024);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        var folder = Directory.CreateTempSubdirectory("uploads-uppy-").FullName;
        stack.Proxies.StorageEvents.Set(FaultMode.Pass);
        try
        {
            await page.GotoAsync($"{stack.ApiUrl}/uppy/");
            // Picked from disk, as a user does: a buffer would cross Playwright's protocol as base64, 20 MiB at a crawl.
            await File.WriteAllBytesAsync(Path.Combine(folder, "small.bin"), small);
            await File.WriteAllBytesAsync(Path.Combine(folder, "large.bin"), large);
            await page.Locator("input.uppy-Dashboard-input:not([webkitdirectory])").First.SetInputFilesAsync(
                [Path.Combine(folder, "small.bin"), Path.Combine(folder, "large.bin")]);
            await page.Locator(".uppy-StatusBar-actionBtn--upload").ClickAsync();

            var rows = page.Locator("#files tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = 60_000 });
            await Assertions.Expect(rows.Locator(".status")).ToHaveTextAsync(["SYNCED", "SYNCED"], new() { Timeout = 60_000 });
            await Chromium.SaveScreenshotAsync(page, "uppy-page.png");

            var tenant = stack.ClientFor(DevelopmentTokenEndpoint.DemoTenant);
            foreach (var (name, content) in new[] { ("small.bin", small), ("large.bin", large) })
            {
                var row = rows.Filter(new() { HasText = name });
                var file = await tenant.GetFileAsync(Guid.Parse((await row.GetAttributeAsync("data-file-id"))!));
                Assert.Equal(FileStatus.Synced, file.Status);
                Assert.Equal(name, file.Filename);
                Assert.Equal(UploadsClient.Sha256Of(content), file.Sha256);
                await Assertions.Expect(row.Locator(".sha256")).ToHaveTextAsync(file.Sha256!);
                Assert.Equal(name == "large.bin", await stack.MultipartUploadIdAsync(file.FileId) is not null);
            }

            Assert.Empty(errors);
        }
        finally
        {
            stack.Proxies.StorageEvents.Set(FaultMode.Refuse);
            Directory.Delete(folder, recursive: true);
        }
    }
}
