using Microsoft.Playwright;
using Uploads.Domain.Files;
using Uploads.Tests.Fixtures;

namespace Uploads.Tests.Browser;

/// <summary>The AppHost's development dashboard in headless Chromium, against the running stack.</summary>
[Collection(StackCollection.Name)]
public sealed class DashboardTests(UploadsStack stack)
{
    [Fact]
    public async Task The_dashboard_lists_every_resource_running_and_draws_the_trace_of_an_upload_across_api_and_worker()
    {
        var (ticket, confirmation) = await stack.Client.UploadAsync(UploadsClient.RandomBytes(20_000), "dashboard.bin");
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        await stack.Dashboard.WholeTraceAsync(confirmation.TraceId);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        await page.GotoAsync(stack.Dashboard.Url.ToString());

        foreach (var resource in stack.App.Runners)
        {
            var row = page.Locator($"#resources tr[data-resource='{resource.Name}']");
            await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("Running");
            await Assertions.Expect(row.Locator(".health")).ToHaveTextAsync("Healthy", new() { Timeout = 15_000 });
        }

        await Chromium.SaveScreenshotAsync(page, "dashboard-resources.png");

        await page.ClickAsync("nav a[data-tab='traces']");
        await page.FillAsync("#trace-search", ticket.FileId.ToString());
        await page.PressAsync("#trace-search", "Enter");
        await page.ClickAsync($"#traces tr[data-trace-id='{confirmation.TraceId}']");

        var waterfall = page.Locator("#waterfall");
        await Assertions.Expect(waterfall.Locator(".span-row[data-service='api']").First).ToBeVisibleAsync();
        await Assertions.Expect(waterfall.Locator(".span-row[data-service^='worker']").First).ToBeVisibleAsync();
        await Assertions.Expect(waterfall).ToContainTextAsync("POST /files/confirm-uploads");
        await Assertions.Expect(waterfall).ToContainTextAsync("file.hash");
        await page.ClickAsync("#waterfall .span-row:has-text('file.sync')");
        await Assertions.Expect(page.Locator("#span-details")).ToContainTextAsync(ticket.FileId.ToString());
        await Chromium.SaveScreenshotAsync(page, "dashboard-trace.png");
    }

    /// <summary>Playwright's five seconds are too few for three pages' backlogs on a loaded two-core machine (seen in CI).</summary>
    const float ConsoleTimeoutMs = 60_000;

    [Fact]
    public async Task The_console_of_a_resource_shows_its_output_and_follows_it_live()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        // One page per worker, both open before the upload: whichever syncs the file, its line must arrive live.
        var consoles = new Dictionary<string, IPage>();
        foreach (var worker in stack.Resources.Workers)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"{stack.Dashboard.Url}#console/{worker.Name}");
            // The backlog has arrived, so the live stream is open (the oldest lines may have rolled out of it by now).
            await Assertions.Expect(page.Locator("#console-output")).Not.ToBeEmptyAsync(new() { Timeout = ConsoleTimeoutMs });
            consoles[worker.Name] = page;
        }

        var (ticket, confirmation) = await stack.Client.UploadAsync(UploadsClient.RandomBytes(100), "console.bin");
        await stack.Client.WaitForStatusAsync(ticket.FileId, FileStatus.Synced);
        // The sync's span tells which worker synced the file.
        var trace = await stack.Dashboard.WholeTraceAsync(confirmation.TraceId);
        var syncedBy = trace.Spans.Single(s => s.Name == "file.sync").Service;

        await Assertions.Expect(consoles[syncedBy].Locator("#console-output")).ToContainTextAsync($"File {ticket.FileId} is Synced", new() { Timeout = ConsoleTimeoutMs });
    }
}
