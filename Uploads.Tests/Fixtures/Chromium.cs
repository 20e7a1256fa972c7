using Uploads.AppHost;
using Microsoft.Playwright;
using Uploads.AppHost.Tokens;

namespace Uploads.Tests.Fixtures;

/// <summary>Debian's Chromium, headless, driven by Playwright (which cannot download a browser of its own here).</summary>
public static class Chromium
{
    static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = Arguments });

    /// <summary>Kept with the test results, so a person can look at what the page showed.</summary>
    public static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(AppHostPaths.RepositoryRoot, "TestResults", "screenshots"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory.FullName, name), FullPage = true });
    }
}
