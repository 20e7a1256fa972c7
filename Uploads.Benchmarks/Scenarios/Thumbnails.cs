using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetVips;
using Uploads.Tests.Fixtures;
using Uploads.Infrastructure.Scanning;
using Uploads.Worker.Derivatives;

namespace Uploads.Benchmarks.Scenarios;

/// <summary>
/// One run of the thumbnails scenario: files per second to derivatives READY; the worker's peak working set, and the
/// highest of its private memory sampled every 50 ms, with its file-backed memory at that moment.
/// </summary>
public sealed record ThumbnailRun(double FilesPerSecond, double? WorkerPeakMegabytes, double? WorkerPrivateMegabytes, double? WorkerFileBackedMegabytes);

/// <summary>
/// 12-megapixel JPEGs (4000 × 3000, as a phone takes them) through the whole pipeline until their thumbnails and metadata
/// are READY, against the same work done by the worker's own code in this process, with nothing around it (the ceiling).
/// </summary>
public static class Thumbnails
{
    const double MiB = 1024 * 1024;

    public static int Files(Settings settings) => settings.Quick ? 8 : 24;

    /// <summary>
    /// 12 MP JPEGs, made before anything is timed, each set of other bytes than every other (<paramref name="set"/>):
    /// clamd keeps the verdict of content it scanned before, so a set scanned twice would be measured once.
    /// </summary>
    public static List<byte[]> MakePictures(int count, int set) => [.. Enumerable.Range(set * count, count).Select(Picture)];

    static byte[] Picture(int seed)
    {
        using var xy = Image.Xyz(4000, 3000);
        using var scaled = xy * (255.0 / 4000);
        using var third = scaled.Bandjoin(Image.Black(4000, 3000) + seed % 256);
        using var picture = third.Cast(Enums.BandFormat.Uchar);
        return picture.JpegsaveBuffer(q: 85);
    }

    /// <summary>The worker's <see cref="ImageDerivatives"/> on one core of this process, file after file: thumbnails per second.</summary>
    public static double Ceiling(IReadOnlyList<byte[]> pictures)
    {
        ImageDerivatives.ConfigureLibvips();
        var maker = new ImageDerivatives(Options.Create(new DerivativesOptions()), TimeProvider.System, NullLogger<ImageDerivatives>.Instance);
        var paths = pictures.Select(p =>
        {
            var path = Path.Combine(Path.GetTempPath(), $"uploads-bench-{Guid.NewGuid():N}.jpg");
            File.WriteAllBytes(path, p);
            return path;
        }).ToList();
        try
        {
            var clock = Stopwatch.StartNew();
            foreach (var path in paths)
            {
                if (maker.Make(path, CancellationToken.None).Refusal is { } refusal)
                {
                    throw new InvalidOperationException($"The ceiling's picture was refused: {refusal}");
                }
            }

            return paths.Count / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            paths.ForEach(File.Delete);
        }
    }

    /// <summary>
    /// clamd alone on the same kind of pictures, one after another, from memory: with its default image fuzzy hashing
    /// (<c>ScanImageFuzzyHash</c>), it decodes each picture, which is most of the sync of a large picture.
    /// </summary>
    public static async Task<double> ScannerCeilingAsync(string connectionString, IReadOnlyList<byte[]> pictures)
    {
        var scanner = new ClamAvScanner(Options.Create(new ScanningOptions()), ScannerEndpoint.Parse(connectionString));
        var clock = Stopwatch.StartNew();
        foreach (var picture in pictures)
        {
            await using var scan = await scanner.BeginAsync(CancellationToken.None);
            await scan.AppendAsync(picture, CancellationToken.None);
            if (!(await scan.VerdictAsync(CancellationToken.None)).IsClean)
            {
                throw new InvalidOperationException("A benchmark picture matched a signature.");
            }
        }

        return pictures.Count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Uploads and confirms every picture at once, then waits until each one's derivatives are READY.</summary>
    public static async Task<ThumbnailRun> RunAsync(Target target, IReadOnlyList<byte[]> pictures, Action<double> progress)
    {
        var client = target.Client;
        int? worker = target.Resources is { } resources ? target.ProcessId(resources.Worker) : null;
        if (worker is { } id)
        {
            ProcessMemory.ResetPeak(id);
        }

        await using var memory = PrivateMemory.Watch(worker);
        var clock = Stopwatch.StartNew();
        var fileIds = await Task.WhenAll(pictures.Select(async (picture, i) =>
        {
            var ticket = await client.RequestUploadAsync($"photo-{i}.jpg", picture.Length, CancellationToken.None);
            var fileId = Guid.Parse(ticket["file_id"]!.GetValue<string>());
            await client.UploadAsync(ticket, new ByteArrayContent(picture), CancellationToken.None);
            await client.ConfirmAsync(fileId, picture.Length, CancellationToken.None);
            return fileId;
        }));

        var done = 0;
        await Task.WhenAll(fileIds.Select(async fileId =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            while (true)
            {
                var file = (await client.Http.GetFromJsonAsync<JsonObject>($"/files/{fileId}", deadline.Token))!;
                var (status, derivatives) = (file["status"]!.GetValue<string>(), file["derivatives"]!["status"]!.GetValue<string>());
                if (derivatives is "ready")
                {
                    break;
                }

                if (status is "FAILED" or "EXPIRED" || derivatives is "failed" || (status is "SYNCED" && derivatives is "none"))
                {
                    throw new InvalidOperationException($"File {fileId} ended {status}, its derivatives {derivatives}: {file["failure_reason"]}{file["derivatives"]!["reason"]}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }

            progress(Interlocked.Increment(ref done) / (double)fileIds.Length);
        }));

        var filesPerSecond = fileIds.Length / clock.Elapsed.TotalSeconds;
        (double Private, double FileBacked)? split = memory is null ? null : await memory.StopAsync();
        return new ThumbnailRun(filesPerSecond, worker is { } pid ? ProcessMemory.Peak(pid) / MiB : null, split?.Private, split?.FileBacked);
    }

}
