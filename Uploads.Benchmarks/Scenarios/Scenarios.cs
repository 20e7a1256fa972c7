using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using Microsoft.Extensions.Options;
using Uploads.AppHost;
using Uploads.Tests.Fixtures;
using Uploads.AppHost.Tokens;
using Uploads.Domain.Files;
using Uploads.Infrastructure.Scanning;
using Uploads.Infrastructure.Storage;

namespace Uploads.Benchmarks.Scenarios;

public sealed record Settings(bool Quick)
{
    public TimeSpan Duration => Quick ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(15);

    /// <summary>
    /// Load before measuring, not measured: the runtime compiles hot code again with profile data (tiered compilation)
    /// during the first seconds, and pools (connections, buffers, threads) grow to the load.
    /// </summary>
    public TimeSpan WarmUp => Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(30);

    /// <summary>
    /// The open loop's own warm-up, at its rate, not measured, after <see cref="OpenLoopConnections"/> connections were
    /// opened: otherwise the loop's first hiccup makes the load generator open connections inside the measured window, and
    /// each costs the API an accept and the compilation of its code paths, which would be measured as the API's latency.
    /// </summary>
    public TimeSpan OpenLoopWarmUp => Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);

    /// <summary>Connections open before an open loop: more than it has calls in flight at its rate, as many clients would keep.</summary>
    public int OpenLoopConnections => 256;

    public int WarmUpFiles => Quick ? 50 : 1000;
    public int PipelineFiles => Quick ? 300 : 1500;
    public long BigFileBytes => Quick ? 256L * 1024 * 1024 : 1024L * 1024 * 1024;
    public int CeilingBytes => Quick ? 256 * 1024 * 1024 : 1024 * 1024 * 1024;

    /// <summary>The soak scenario's files through the replicas, and the size of the file it uploads from the page (just under the scanner's 2047 MiB).</summary>
    public int SoakFiles => Quick ? 200 : 1000;
    public long SoakPageBytes => Quick ? 256L * 1024 * 1024 : 2_000_000_000;

    /// <summary>Runs of a scenario that repeats (chaos): the report gives the median and the range.</summary>
    public int Repeats => Quick ? 1 : 3;

    /// <summary>
    /// The longest a scenario may take, all its runs together, on a machine of two cores (a full run of each takes well
    /// under half of it): past it, the scenario is reported failed and the next one runs.
    /// </summary>
    public TimeSpan Bound(string scenario) => TimeSpan.FromMinutes(scenario switch
    {
        "cli" or "soak" => 30,
        "pipeline" or "bigfile" or "thumbnails" or "chaos" => 15,
        _ => 10,
    });
}

public static class Ceilings
{
    const int MiB = 1024 * 1024;

    /// <summary>The CPU ceiling: SHA-256 of an in-memory buffer in one call, and the service's own hashing code fed from memory.</summary>
    public static async Task<(double RawMegabytesPerSecond, double HasherMegabytesPerSecond)> Sha256Async(int bytes)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(bytes);
        Random.Shared.NextBytes(buffer);
        var raw = Stopwatch.StartNew();
        SHA256.HashData(buffer);
        var rawSeconds = raw.Elapsed.TotalSeconds;
        var hasher = Stopwatch.StartNew();
        await ContentHasher.Sha256Async(new MemoryStream(buffer, writable: false), MiB, null, CancellationToken.None);
        return (bytes / (double)MiB / rawSeconds, bytes / (double)MiB / hasher.Elapsed.TotalSeconds);
    }

    /// <summary>The storage ceiling: a plain streamed download of the object, straight from storage.</summary>
    public static async Task<double> StorageReadAsync(IAmazonS3 storage, string bucket, string key)
    {
        var clock = Stopwatch.StartNew();
        using var response = await storage.GetObjectAsync(bucket, key);
        await response.ResponseStream.CopyToAsync(Stream.Null, MiB);
        return response.ContentLength / (double)MiB / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The scanner's ceiling: clamd scanning <paramref name="bytes"/> of random content over INSTREAM, fed from memory by
    /// the service's own client, one 1 MiB chunk at a time, as the worker feeds it.
    /// </summary>
    public static async Task<double> ScannerAsync(string connectionString, long bytes)
    {
        var scanner = new ClamAvScanner(Options.Create(new ScanningOptions()), ScannerEndpoint.Parse(connectionString));
        var chunk = RandomNumberGenerator.GetBytes(MiB);
        var clock = Stopwatch.StartNew();
        await using var scan = await scanner.BeginAsync(CancellationToken.None);
        for (long sent = 0; sent < bytes; sent += chunk.Length)
        {
            await scan.AppendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, bytes - sent)), CancellationToken.None);
        }

        var verdict = await scan.VerdictAsync(CancellationToken.None);
        if (!verdict.IsClean)
        {
            throw new InvalidOperationException($"Random bytes matched {verdict.Signature}.");
        }

        return bytes / (double)MiB / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The storage ceiling for small files: what storage alone does per second of the three calls a file costs it in
    /// the pipeline (the browser's upload, the API's size check at confirmation, the worker's read), 32 at a time.
    /// </summary>
    public static async Task<double> StorageSmallFilesAsync(IAmazonS3 storage, string bucket, int fileBytes, TimeSpan duration, Action<double> progress)
    {
        var content = RandomNumberGenerator.GetBytes(fileBytes);
        var (perSecond, _) = await Load.SaturateAsync(async ct =>
        {
            var key = $"benchmarks/ceiling/{Guid.NewGuid():N}";
            await storage.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(content) }, ct);
            await storage.GetObjectMetadataAsync(bucket, key, ct);
            using var read = await storage.GetObjectAsync(bucket, key, ct);
            await read.ResponseStream.CopyToAsync(Stream.Null, ct);
        }, 32, duration, progress);
        return perSecond;
    }

    /// <summary>The web-stack ceiling: the API's most trivial endpoint, at saturation.</summary>
    public static async Task<double> TrivialEndpointAsync(BenchmarkClient client, TimeSpan duration, Action<double> progress)
    {
        var (perSecond, _) = await Load.SaturateAsync(async ct => (await client.Http.GetAsync("/alive", ct)).Dispose(), 64, duration, progress);
        return perSecond;
    }

    /// <summary>
    /// The same endpoint at a fixed rate, timed as the presign's open loop is: the latency this load generator and web
    /// stack add on their own, on this machine, at that rate.
    /// </summary>
    public static Task<Latencies> TrivialEndpointAtRateAsync(BenchmarkClient client, double perSecond, TimeSpan duration, Action<double> progress) =>
        Load.AtRateAsync(async ct =>
        {
            (await client.Http.GetAsync("/alive", ct)).Dispose();
            return null;
        }, perSecond, duration, progress);
}

public static class Presign
{
    public static Task<(double PerSecond, Latencies Latencies)> SaturateAsync(BenchmarkClient client, TimeSpan duration, Action<double> progress) =>
        Load.SaturateAsync(ct => client.RequestUploadAsync("bench.csv", 65536, ct), 64, duration, progress);

    public static Task<Latencies> AtRateAsync(BenchmarkClient client, double perSecond, TimeSpan duration, Action<double> progress) =>
        Load.AtRateAsync(async ct =>
        {
            await client.RequestUploadAsync("bench.csv", 65536, ct);
            return null;
        }, perSecond, duration, progress);
}

public static class Pipeline
{
    public const int FileBytes = 64 * 1024;

    /// <summary>
    /// Files through request → form POST → confirm → SYNCED, as fast as they go: SYNCED files per second, and the files
    /// that failed (a call timed out or was refused), which count against the rate instead of stalling the run; each
    /// with the step it failed in and, when the API had made it, the file's state afterwards.
    /// </summary>
    public static async Task<(double FilesPerSecond, IReadOnlyList<FailedFile> Failed)> SaturateAsync(BenchmarkClient client, int files, Action<double> progress)
    {
        var content = RandomNumberGenerator.GetBytes(FileBytes);
        var clock = Stopwatch.StartNew();
        var done = 0;
        var failed = new ConcurrentBag<(FileAttempt Attempt, string Error)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, files), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) =>
        {
            var attempt = new FileAttempt();
            try
            {
                using var perFile = CancellationTokenSource.CreateLinkedTokenSource(ct);
                perFile.CancelAfter(FileTimeout);
                await OneFileAsync(client, content, clock, attempt, perFile.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException)
            {
                failed.Add((attempt, ex.Message));
            }

            progress((double)Interlocked.Increment(ref done) / files);
        });
        var rate = (files - failed.Count) / clock.Elapsed.TotalSeconds;
        return (rate, [.. await Task.WhenAll(failed.Select(f => DescribeAsync(client, f.Attempt, f.Error)))]);
    }

    /// <summary>What became of a failed file: its state and reason once the run is over, read from the API.</summary>
    static async Task<FailedFile> DescribeAsync(BenchmarkClient client, FileAttempt attempt, string error)
    {
        if (attempt.FileId is not { } fileId)
        {
            return new FailedFile(null, attempt.Step, error, null, null);
        }

        try
        {
            var file = (await client.Http.GetFromJsonAsync<JsonObject>($"/files/{fileId}"))!;
            return new FailedFile(fileId, attempt.Step, error, file["status"]?.GetValue<string>(), file["failure_reason"]?.GetValue<string>());
        }
        catch (HttpRequestException lookup)
        {
            return new FailedFile(fileId, attempt.Step, error, $"unknown: {lookup.Message}", null);
        }
    }

    static readonly TimeSpan FileTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Files started at a fixed rate: the latency from sending the confirmation to the SYNCED event.</summary>
    public static Task<Latencies> AtRateAsync(BenchmarkClient client, double perSecond, Settings settings, Action<double> progress)
    {
        var content = RandomNumberGenerator.GetBytes(FileBytes);
        var clock = Stopwatch.StartNew();
        return Load.AtRateAsync(async ct => await OneFileAsync(client, content, clock, new FileAttempt(), ct), perSecond, settings.Duration, progress);
    }

    static async Task<TimeSpan> OneFileAsync(BenchmarkClient client, byte[] content, Stopwatch clock, FileAttempt attempt, CancellationToken cancellationToken)
    {
        attempt.Step = "request";
        var ticket = await client.RequestUploadAsync("bench.bin", content.Length, cancellationToken);
        var fileId = Guid.Parse(ticket["file_id"]!.GetValue<string>());
        attempt.FileId = fileId;
        attempt.Step = "upload";
        await client.UploadAsync(ticket, new ByteArrayContent(content), cancellationToken);
        attempt.Step = "watch";
        var settled = await client.WatchAsync(fileId, clock, cancellationToken);
        var confirmed = clock.Elapsed;
        attempt.Step = "confirm";
        await client.ConfirmAsync(fileId, content.Length, cancellationToken);
        attempt.Step = "wait for SYNCED";
        var (status, at) = await settled();
        return status == "SYNCED" ? at - confirmed : throw new InvalidOperationException($"File {fileId} ended {status}.");
    }

    /// <summary>How far one file got: its id once the API made it, and the step under way.</summary>
    sealed class FileAttempt
    {
        public Guid? FileId { get; set; }
        public string Step { get; set; } = "";
    }
}

/// <summary>A file of the pipeline that did not reach SYNCED: the step it failed in, why, and its state after the run.</summary>
public sealed record FailedFile(Guid? FileId, string Step, string Error, string? StatusAfterRun, string? FailureReason);

/// <param name="ScannerMegabytesPerSecond">clamd's own INSTREAM rate on as many bytes, in the same run; null against a running API.</param>
public sealed record BigFileResult(
    double SyncMegabytesPerSecond, double StorageReadMegabytesPerSecond, double? ScannerMegabytesPerSecond, double? WorkerPeakMegabytes, double? ApiPeakMegabytes,
    double? WorkerPrivateMegabytes, double? ApiPrivateMegabytes, double? WorkerPrivateAtStartMegabytes, double? ApiPrivateAtStartMegabytes);

public static class BigFile
{
    const double MiB = 1024 * 1024;

    /// <summary>One large file through the whole pipeline: the worker's sync rate (SYNCING → SYNCED), and peak memory.</summary>
    public static async Task<BigFileResult> RunAsync(Target target, Settings settings, Action<double> progress)
    {
        var client = target.Client;
        var path = Path.Combine(Path.GetTempPath(), $"uploads-bench-{Guid.NewGuid():N}.bin");
        try
        {
            await WriteRandomFileAsync(path, settings.BigFileBytes);
            progress(0.2);
            var ticket = await client.RequestUploadAsync("big.bin", settings.BigFileBytes, CancellationToken.None);
            var fileId = Guid.Parse(ticket["file_id"]!.GetValue<string>());
            await using (var file = File.OpenRead(path))
            {
                await client.UploadAsync(ticket, new StreamContent(file, 1024 * 1024), CancellationToken.None);
            }

            progress(0.5);
            int[] processes = target.Resources is { } resources ? [target.ProcessId(resources.Worker), target.ProcessId(resources.Api)] : [];
            foreach (var process in processes)
            {
                ProcessMemory.ResetPeak(process);
            }

            await using var workerMemory = PrivateMemory.Watch(processes.Length > 0 ? processes[0] : null);
            await using var apiMemory = PrivateMemory.Watch(processes.Length > 0 ? processes[1] : null);

            var settled = await client.WatchAsync(fileId, Stopwatch.StartNew(), CancellationToken.None);
            await client.ConfirmAsync(fileId, settings.BigFileBytes, CancellationToken.None);
            var (status, _) = await settled();
            if (status != "SYNCED")
            {
                throw new InvalidOperationException($"The big file ended {status}.");
            }

            // And read it back through the API, so that its memory is measured on the same bytes.
            using (var content = await client.Http.GetAsync($"/files/{fileId}/content", HttpCompletionOption.ResponseHeadersRead))
            {
                await (await content.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
            }

            progress(0.8);
            var details = (await client.Http.GetFromJsonAsync<JsonObject>($"/files/{fileId}"))!;
            var history = details["history"]!.AsArray();
            var syncing = history.Last(h => h!["status"]!.GetValue<string>() == "SYNCING")!["at"]!.GetValue<DateTimeOffset>();
            var synced = history.Last(h => h!["status"]!.GetValue<string>() == "SYNCED")!["at"]!.GetValue<DateTimeOffset>();
            var syncRate = settings.BigFileBytes / MiB / (synced - syncing).TotalSeconds;

            double? workerPeak = processes.Length > 0 ? ProcessMemory.Peak(processes[0]) / MiB : null;
            double? apiPeak = processes.Length > 0 ? ProcessMemory.Peak(processes[1]) / MiB : null;
            double? workerPrivate = workerMemory is null ? null : (await workerMemory.StopAsync()).PrivateMegabytes;
            double? apiPrivate = apiMemory is null ? null : (await apiMemory.StopAsync()).PrivateMegabytes;
            using var storage = target.Storage();
            var storageRate = storage is not null && target.Resources is { } stack
                ? await Ceilings.StorageReadAsync(storage, BackingServices.Bucket, ObjectKeys.For(Target.Tenant, fileId))
                : double.NaN;
            double? scannerRate = target.Resources is { } scanned ? await Ceilings.ScannerAsync(scanned.Scanner.ConnectionString, settings.BigFileBytes) : null;
            progress(1);
            return new BigFileResult(syncRate, storageRate, scannerRate, workerPeak, apiPeak, workerPrivate, apiPrivate,
                workerMemory?.AtStartMegabytes, apiMemory?.AtStartMegabytes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static async Task WriteRandomFileAsync(string path, long length)
    {
        var buffer = new byte[1024 * 1024];
        await using var file = File.Create(path);
        for (long written = 0; written < length; written += buffer.Length)
        {
            Random.Shared.NextBytes(buffer);
            await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - written)));
        }
    }
}
