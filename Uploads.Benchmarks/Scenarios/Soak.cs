using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Uploads.Tests.Fixtures;

namespace Uploads.Benchmarks.Scenarios;

/// <summary>
/// Files through two APIs and three workers: how many were confirmed, how many ended SYNCED, how many ended otherwise or
/// not at all within the bound, and how many were SYNCED more than once (target 0 for the last two).
/// </summary>
public sealed record ReplicaSoak(int Files, int Synced, int NotSynced, int SyncedTwice, double FilesPerSecond);

/// <summary>One file from the upload page in Chromium: how it ended, how fast, and how much a worker and the tab grew.</summary>
public sealed record PageSoak(double Megabytes, string Status, bool DigestMatches, double Seconds, double MegabytesPerSecond, double WorkerGrowthMegabytes);

/// <summary>The runs too long for the test suite, on a stack scaled out as in production (two APIs, three workers).</summary>
public static class Soak
{
    const double MiB = 1024 * 1024;
    static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// <paramref name="files"/> files, each asked of one API and confirmed through the other, 16 at a time; then each
    /// file's history read back: one SYNCED transition per file, by which worker.
    /// </summary>
    public static async Task<ReplicaSoak> ReplicasAsync(Target target, int files, Action<double> progress, CancellationToken cancellationToken)
    {
        var resources = target.Resources ?? throw new InvalidOperationException("soak runs on a local stack.");
        using var second = new BenchmarkClient(new Uri(resources.Apis[^1].Url), target.Client.Token);
        BenchmarkClient[] apis = [target.Client, second];
        var fileIds = new ConcurrentBag<Guid>();
        var clock = Stopwatch.StartNew();
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, files), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var content = RandomNumberGenerator.GetBytes(1024 + i);
            var ticket = await apis[i % 2].RequestUploadAsync($"soak-{i}.bin", content.Length, ct);
            var fileId = Guid.Parse(ticket["file_id"]!.GetValue<string>());
            await apis[i % 2].UploadAsync(ticket, new ByteArrayContent(content), ct);
            await apis[(i + 1) % 2].ConfirmAsync(fileId, content.Length, ct);
            fileIds.Add(fileId);
            progress(0.5 * Interlocked.Increment(ref done) / files);
        });

        var histories = new ConcurrentDictionary<Guid, JsonObject>();
        using var settle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        settle.CancelAfter(SettleTimeout);
        try
        {
            while (histories.Count < files)
            {
                await Parallel.ForEachAsync(fileIds.Where(id => !histories.ContainsKey(id)), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = settle.Token }, async (fileId, ct) =>
                {
                    var file = (await target.Client.Http.GetFromJsonAsync<JsonObject>($"/files/{fileId}", ct))!;
                    if (file["status"]!.GetValue<string>() is "SYNCED" or "FAILED" or "EXPIRED")
                    {
                        histories[fileId] = file;
                    }
                });
                progress(0.5 + 0.5 * histories.Count / files);
                await Task.Delay(TimeSpan.FromMilliseconds(500), settle.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The bound passed: what has not settled is reported as such.
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        var synced = histories.Values.Count(f => f["status"]!.GetValue<string>() == "SYNCED");
        var syncedTwice = histories.Values.Count(f => f["history"]!.AsArray().Count(h => h!["status"]!.GetValue<string>() == "SYNCED") > 1);
        return new ReplicaSoak(files, synced, files - synced, syncedTwice, synced / elapsed);
    }

    /// <summary>
    /// A file of <paramref name="bytes"/> picked on the upload page in Debian's Chromium: parts in parallel from the page,
    /// then the sync; the workers' peak resident memory is reset before and read after.
    /// </summary>
    public static async Task<PageSoak> PageAsync(Target target, long bytes, Action<double> progress, CancellationToken cancellationToken)
    {
        var resources = target.Resources ?? throw new InvalidOperationException("soak runs on a local stack.");
        using var large = await LargeFile.CreateAsync(bytes);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(target.PageUrl ?? throw new InvalidOperationException("soak runs on a local stack."));
        var workers = resources.Workers.Select(target.ProcessId).ToList();
        workers.ForEach(ProcessMemory.ResetPeak);
        var before = workers.ToDictionary(w => w, ProcessMemory.Resident);
        var clock = Stopwatch.StartNew();

        await page.SetInputFilesAsync("#picker", large.Path);
        var status = page.Locator("#files tbody tr").First.Locator(".status");
        await Assertions.Expect(status).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(SYNCED|FAILED|EXPIRED|ERROR|CANCELLED)$"),
            new() { Timeout = (float)SettleTimeout.TotalMilliseconds });
        var seconds = clock.Elapsed.TotalSeconds;
        progress(1);
        var digest = await page.Locator("#files tbody tr").First.Locator(".sha256").TextContentAsync();
        return new PageSoak(bytes / MiB, (await status.TextContentAsync())!, digest == large.Sha256, seconds, bytes / MiB / seconds,
            workers.Max(w => ProcessMemory.Peak(w) - before[w]) / MiB);
    }
}
