using Microsoft.Playwright;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// The peak resident memory of Chromium's renderer processes (the tab, its workers), found through the DevTools Protocol
/// (<c>SystemInfo.getProcessInfo</c>) and read from the kernel's high-water mark, reset when measuring starts.
/// </summary>
public sealed class RendererMemory
{
    readonly Dictionary<int, long> baselines;

    RendererMemory(Dictionary<int, long> baselines) => this.baselines = baselines;

    public static async Task<RendererMemory> StartAsync(IBrowser browser)
    {
        var session = await browser.NewBrowserCDPSessionAsync();
        var info = (await session.SendAsync("SystemInfo.getProcessInfo"))!.Value;
        var renderers = info.GetProperty("processInfo").EnumerateArray()
            .Where(process => process.GetProperty("type").GetString() == "renderer")
            .Select(process => process.GetProperty("id").GetInt32())
            .ToList();
        Assert.NotEmpty(renderers);
        foreach (var pid in renderers)
        {
            ProcessMemory.ResetPeak(pid);
        }

        return new RendererMemory(renderers.ToDictionary(pid => pid, ProcessMemory.Resident));
    }

    /// <summary>The most any renderer grew above its resident memory at the start.</summary>
    public long PeakGrowth => baselines.Max(renderer => ProcessMemory.Peak(renderer.Key) - renderer.Value);
}
