using Microsoft.Playwright;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Browser;

/// <summary>Aspire's dashboard in headless Chromium, against the running stack. It is a Blazor app: the tests wait for text.</summary>
public sealed class DashboardTests(UploadsStack stack)
{
    /// <summary>Playwright's five seconds are too few for a Blazor page's first render on a loaded two-core machine.</summary>
    const float PageTimeoutMs = 60_000;

    [Fact]
    public async Task The_dashboard_lists_every_resource_running_and_draws_the_trace_of_an_upload_across_api_and_worker()
    {
        var (ticket, confirmation) = await stack.Client.UploadAsync(UploadsClient.RandomBytes(20_000), "dashboard.bin");
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        var trace = await stack.Dashboard.WholeTraceAsync(confirmation.TraceId);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        await page.GotoAsync(stack.Dashboard.Url.ToString());

        // Every resource of the model is listed; all but the one-shot migration (finished) run, and none is unhealthy.
        string[] names = ["postgres", "uploads", "storage", "cache", "messaging", "messaging-epmd", "scanner", "migrate", .. stack.Resources.Projects.Select(p => p.Name)];
        foreach (var name in names)
        {
            await Assertions.Expect(page.GetByText(name, new() { Exact = true }).First).ToBeVisibleAsync(new() { Timeout = PageTimeoutMs });
        }

        // A state per instance (replicas also have a row of their own resource above them).
        await Eventually.TrueAsync(
            async () => await page.GetByText("Running", new() { Exact = true }).CountAsync() >= names.Length - 1,
            "every resource but migrate to show Running");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Unhealthy");
        await Chromium.SaveScreenshotAsync(page, "dashboard-resources.png");

        // The upload's trace, with spans of the API and of the worker that synced it.
        var syncedBy = trace.Spans.Single(s => s.Name == "file.sync").Service;
        await page.GotoAsync(new Uri(stack.Dashboard.Url, $"/traces/detail/{confirmation.TraceId}").ToString());
        await Assertions.Expect(page.GetByText("POST /files/confirm-uploads").First).ToBeVisibleAsync(new() { Timeout = PageTimeoutMs });
        await Assertions.Expect(page.GetByText("file.sync").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("file.hash").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(trace.Spans.First(s => s.Kind == "Server").Service);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(syncedBy);
        await Chromium.SaveScreenshotAsync(page, "dashboard-trace.png");
    }

    [Fact]
    public async Task The_console_of_a_worker_shows_the_file_it_synced()
    {
        var (ticket, confirmation) = await stack.Client.UploadAsync(UploadsClient.RandomBytes(100), "console.bin");
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        // The sync's span tells which worker synced the file.
        var trace = await stack.Dashboard.WholeTraceAsync(confirmation.TraceId);
        var syncedBy = trace.Spans.Single(s => s.Name == "file.sync").Service;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        await page.GotoAsync(new Uri(stack.Dashboard.Url, $"/consolelogs/resource/{syncedBy}").ToString());

        await ExpectTextAsync(page, $"File {ticket.FileId} is Synced");
    }

    /// <summary>
    /// Waits for the page to show <paramref name="text"/>. The dashboard is a Blazor Server app: on a loaded machine its
    /// connection may drop for good ("Failed to rejoin. Please retry or reload the page."), and then, as its user would,
    /// the test reloads the page.
    /// </summary>
    static Task ExpectTextAsync(IPage page, string text) => Eventually.TrueAsync(async () =>
    {
        var shown = await page.Locator("body").InnerTextAsync();
        if (shown.Contains(text, StringComparison.Ordinal))
        {
            return true;
        }

        if (shown.Contains("Failed to rejoin", StringComparison.Ordinal))
        {
            await page.ReloadAsync();
        }

        return false;
    }, $"the dashboard to show \"{text}\"", TimeSpan.FromMilliseconds(PageTimeoutMs));
}
