using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Uploads.Benchmarks;

/// <summary>The figures of one run, in the JSON shape docs/performance.md documents; null where a scenario did not run.</summary>
public sealed class Report
{
    public PresignFigures? Presign { get; set; }
    public PipelineFigures? Pipeline { get; set; }
    public BigFileFigures? Bigfile { get; set; }
    public CliFigures? Cli { get; set; }
    public ThumbnailFigures? Thumbnails { get; set; }
    public PeerFigures? Peer { get; set; }
    public List<Scenarios.ChaosRun>? Chaos { get; set; }
    public SoakFigures? Soak { get; set; }
    public CeilingFigures Ceilings { get; } = new();

    /// <summary>Scenarios that failed or did not finish within their bound, with the step they were at.</summary>
    public List<ScenarioFailure> Failures { get; } = [];

    public sealed record ScenarioFailure(string Scenario, string Reason);

    public sealed record SoakFigures(Scenarios.ReplicaSoak Replicas, Scenarios.PageSoak Page);

    /// <param name="RequestsPerS">At saturation, median of the runs; the latencies are the median run's.</param>
    public sealed record PresignFigures(
        double RequestsPerS, double P50Ms, double P99Ms, double P999Ms, [property: JsonPropertyName("p99_at_1000_rps_ms")] double P99At1000RpsMs,
        [property: JsonPropertyName("trivial_endpoint_p99_at_1000_rps_ms")] double TrivialEndpointP99At1000RpsMs, double RatioToTrivialEndpoint,
        double[] RequestsPerSRange, int Runs);
    /// <param name="CpuMsPerFile">CPU of the APIs, the workers, PostgreSQL, RabbitMQ and Redis over the saturation run, per file that synced.</param>
    /// <param name="CpuMsPerFileByService">The same for each service apart, storage and clamd included (medians of the runs).</param>
    /// <param name="Failures">Each file of the saturation runs that did not reach SYNCED: where, why, and its state after the run.</param>
    public sealed record PipelineFigures(
        double FilesPerS, double ConfirmToSyncedP50Ms, double ConfirmToSyncedP99Ms, double AtFilesPerS, IReadOnlyList<Scenarios.FailedFile> Failures,
        double? RatioToStorageCeiling, double? CpuMsPerFile, IReadOnlyDictionary<string, double> CpuMsPerFileByService, double[] FilesPerSRange, int Runs)
    {
        public int FailedFiles => Failures.Count;
    }

    /// <param name="WorkerPrivateMb">The worker's private (anonymous) memory at its highest, sampled: what is its own, not mapped files.</param>
    /// <param name="ApiPrivateMb">The same for the API, which streams the file back.</param>
    /// <param name="WorkerPrivateAtStartMb">The worker's private memory when the scenario began: what earlier scenarios left it holding.</param>
    /// <param name="ApiPrivateAtStartMb">The same for the API.</param>
    public sealed record BigFileFigures(
        double Megabytes, double SyncMbPerS, double RatioToStorageCeiling, double? RatioToScannerCeiling, double HashRatioToCpuCeiling, double? WorkerPeakMb, double? ApiPeakMb,
        double? WorkerPrivateMb, double? ApiPrivateMb, double? WorkerPrivateAtStartMb, double? ApiPrivateAtStartMb);

    /// <param name="FilesPerS">Small files pushed per second, start to exit (every file SYNCED): median of the runs.</param>
    /// <param name="RatioToPipeline">Of the pipeline's own files/s in the same run (the benchmark's HTTP client, no hashing on its side).</param>
    /// <param name="RatioToBigfileSync">Of the worker's sync rate of the bigfile scenario in the same run.</param>
    public sealed record CliFigures(
        int SmallFiles, double FilesPerS, double[] FilesPerSRange, double? RatioToPipeline, double SmallPeakMb,
        double Megabytes, double MbPerS, double[] MbPerSRange, double? RatioToBigfileSync, double BigPeakMb,
        IReadOnlyList<string> Failures, int Runs);

    /// <param name="FilesPerS">12 MP JPEGs per second, confirmed to derivatives READY (sync included): median of the runs.</param>
    /// <param name="CeilingFilesPerS">The worker's libvips code alone, one file after another in the benchmark's process.</param>
    /// <param name="ScannerFilesPerS">The stack's clamd alone on such pictures, one after another (image fuzzy hashing on, its default).</param>
    /// <param name="WorkerPeakMb">The worker's peak working set while it made them (the highest of the runs).</param>
    /// <param name="WorkerPrivateMb">Of which its own (anonymous) memory: the highest sampled, with the file-backed pages then.</param>
    public sealed record ThumbnailFigures(
        int Files, double FilesPerS, double[] FilesPerSRange, double CeilingFilesPerS, double RatioToCeiling,
        double? ScannerFilesPerS, double? RatioToScanner, double? WorkerPeakMb, double? WorkerPrivateMb, double? WorkerFileBackedMb, int Runs);

    /// <param name="CompanionRps">Uppy Companion's <c>GET /s3/params</c>, 32 callers at saturation: median of the rounds.</param>
    /// <param name="OursRps">Our <c>POST /files/presigned-upload</c> right after it in each round, the same way.</param>
    /// <param name="Ratio">Ours over Companion's, per round: median and range.</param>
    public sealed record PeerFigures(
        double CompanionRps, double[] CompanionRpsRange, double OursRps, double[] OursRpsRange, double Ratio, double[] RatioRange, int Rounds);

    public sealed class CeilingFigures
    {
        public double? Sha256MbPerS { get; set; }
        public double? HasherFromMemoryMbPerS { get; set; }
        public double? StorageReadMbPerS { get; set; }
        public double? ScannerMbPerS { get; set; }
        public double? StorageSmallFilesPerS { get; set; }
        public double? TrivialEndpointRps { get; set; }
    }

    public async Task WriteJsonAsync(string path) => await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    }));

    public void Print()
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("scenario", "figure", "value", "ratio / target");
        if (Presign is { } presign)
        {
            table.AddRow("presign", $"requests/s at saturation (median of {presign.Runs}, range)",
                $"{presign.RequestsPerS:N0} ({presign.RequestsPerSRange[0]:N0}–{presign.RequestsPerSRange[1]:N0})", $"{presign.RatioToTrivialEndpoint:P0} of the trivial endpoint · target ≥ 25 %");
            table.AddRow("", "p50 / p99 / p99.9 at saturation", $"{presign.P50Ms:N1} / {presign.P99Ms:N1} / {presign.P999Ms:N1} ms", "");
            table.AddRow("", "p99 at 1,000 requests/s", $"{presign.P99At1000RpsMs:N1} ms",
                $"trivial endpoint at the same rate: {presign.TrivialEndpointP99At1000RpsMs:N1} ms · target ≤ 15 ms");
        }

        if (Pipeline is { } pipeline)
        {
            table.AddRow("pipeline", $"64 KiB files/s, request → SYNCED (median of {pipeline.Runs}, range)",
                $"{pipeline.FilesPerS:N0} ({pipeline.FilesPerSRange[0]:N0}–{pipeline.FilesPerSRange[1]:N0}; {pipeline.FailedFiles} failed)",
                $"{(pipeline.RatioToStorageCeiling is { } ratio ? $"{ratio:P0} of storage's small-file rate · " : "")}target ≥ 75 % of it");
            table.AddRow("", "CPU of API, worker, PostgreSQL, RabbitMQ, Redis per file (median)", $"{pipeline.CpuMsPerFile:N1} ms", "target ≤ 5 ms");
            table.AddRow("", "CPU per file by service (median)",
                string.Join(", ", pipeline.CpuMsPerFileByService.Select(s => $"{s.Key} {s.Value:N1}")) + " ms", "");
            table.AddRow("", $"confirm → SYNCED p50 / p99 at {pipeline.AtFilesPerS:N0} files/s",
                $"{pipeline.ConfirmToSyncedP50Ms:N1} / {pipeline.ConfirmToSyncedP99Ms:N1} ms", "targets ≤ 25 / ≤ 100 ms");
            foreach (var failure in pipeline.Failures)
            {
                table.AddRow("", Markup.Escape($"failed file {failure.FileId?.ToString() ?? "(none made)"}"),
                    Markup.Escape($"in {failure.Step}: {failure.Error}"),
                    Markup.Escape($"after the run: {failure.StatusAfterRun ?? "—"}{(failure.FailureReason is { } reason ? $" ({reason})" : "")}"));
            }
        }

        if (Bigfile is { } big)
        {
            table.AddRow("bigfile", $"worker sync of {big.Megabytes:N0} MiB, scanned", $"{big.SyncMbPerS:N0} MB/s",
                $"{big.RatioToStorageCeiling:P0} of storage · {big.RatioToScannerCeiling:P0} of clamd alone · target ≥ 80 % of the slower");
            table.AddRow("", "hashing fed from memory", "", $"{big.HashRatioToCpuCeiling:P0} of the CPU · target ≥ 90 %");
            table.AddRow("", "peak working set: worker / API", $"{big.WorkerPeakMb:N0} / {big.ApiPeakMb:N0} MB", "target ≤ 200 MB each");
            table.AddRow("", "private memory at its highest: worker / API", $"{big.WorkerPrivateMb:N0} / {big.ApiPrivateMb:N0} MB",
                $"at the scenario's start: {big.WorkerPrivateAtStartMb:N0} / {big.ApiPrivateAtStartMb:N0} MB · target ≤ 100 MB each");
        }

        if (Cli is { } cli)
        {
            table.AddRow("cli", $"uploads push, {cli.SmallFiles:N0} × 64 KiB, files/s to SYNCED (median of {cli.Runs}, range)",
                $"{cli.FilesPerS:N1} ({cli.FilesPerSRange[0]:N1}–{cli.FilesPerSRange[1]:N1})",
                cli.RatioToPipeline is { } ratio ? $"{ratio:P0} of the pipeline's files/s" : "");
            table.AddRow("", $"uploads push, one {cli.Megabytes:N0} MiB file, MB/s to SYNCED", $"{cli.MbPerS:N1} ({cli.MbPerSRange[0]:N1}–{cli.MbPerSRange[1]:N1})",
                cli.RatioToBigfileSync is { } syncRatio ? $"{syncRatio:P0} of the worker's sync alone" : "");
            table.AddRow("", "client peak memory: small files / large file", $"{cli.SmallPeakMb:N0} / {cli.BigPeakMb:N0} MB", "flat: the same whatever the folder or file");
            table.AddRow("", "files the pushes reported failed", $"{cli.Failures.Count:N0}", "target 0");
            foreach (var failure in cli.Failures)
            {
                table.AddRow("", "failed file", Markup.Escape(failure), "");
            }
        }

        if (Peer is { } peer)
        {
            table.AddRow("peer", $"Uppy Companion's /s3/params, requests/s (median of {peer.Rounds}, range)",
                $"{peer.CompanionRps:N0} ({peer.CompanionRpsRange[0]:N0}–{peer.CompanionRpsRange[1]:N0})", "signs only: no caller check, no record");
            table.AddRow("", "our presign in the same rounds, requests/s", $"{peer.OursRps:N0} ({peer.OursRpsRange[0]:N0}–{peer.OursRpsRange[1]:N0})",
                $"{peer.Ratio:N2}× Companion ({peer.RatioRange[0]:N2}–{peer.RatioRange[1]:N2}) · target ≥ 4×");
        }

        if (Thumbnails is { } thumbnails)
        {
            table.AddRow("thumbnails", $"12 MP JPEGs to derivatives READY, files/s (median of {thumbnails.Runs} runs of {thumbnails.Files}, range)",
                $"{thumbnails.FilesPerS:N1} ({thumbnails.FilesPerSRange[0]:N1}–{thumbnails.FilesPerSRange[1]:N1})",
                $"{thumbnails.RatioToCeiling:P0} of libvips alone ({thumbnails.CeilingFilesPerS:N1}/s on one core)");
            table.AddRow("", "clamd alone on such pictures, files/s", $"{thumbnails.ScannerFilesPerS:N1}",
                $"{thumbnails.RatioToScanner:P0} of it: the scan bounds the sync of pictures");
            table.AddRow("", "worker peak working set while making them", $"{thumbnails.WorkerPeakMb:N0} MB", "target ≤ 200 MB");
            table.AddRow("", "of which private (anonymous) / file-backed, sampled", $"{thumbnails.WorkerPrivateMb:N0} / {thumbnails.WorkerFileBackedMb:N0} MB", "");
        }

        if (Soak is { } soak)
        {
            var (replicas, page) = (soak.Replicas, soak.Page);
            table.AddRow("soak", $"{replicas.Files:N0} files through two APIs and three workers, SYNCED files/s", $"{replicas.FilesPerSecond:N1}",
                $"{replicas.Synced:N0} SYNCED · {replicas.NotSynced} not (target 0) · {replicas.SyncedTwice} SYNCED twice (target 0)");
            table.AddRow("", $"{page.Megabytes:N0} MiB from the upload page to {Markup.Escape(page.Status)}, MB/s", $"{page.MegabytesPerSecond:N1}",
                $"{page.Seconds:N0} s · digest {(page.DigestMatches ? "matches" : "[red]differs[/]")}");
            table.AddRow("", "a worker's peak resident memory, growth during the page's file", $"{page.WorkerGrowthMegabytes:N0} MiB", "target < 64 MiB");
            AddFailures(table);
            table.Title = new TableTitle("soak: the runs too long for the test suite");
            AnsiConsole.Write(table);
            return;
        }

        if (Chaos is { Count: > 0 } runs)
        {
            static string Spread(IEnumerable<double> values, string format)
            {
                var sorted = values.Order().ToList();
                return $"{sorted[sorted.Count / 2].ToString(format)} ({sorted[0].ToString(format)}–{sorted[^1].ToString(format)})";
            }

            table.AddRow("chaos", $"64 KiB files/s under faults, median of {runs.Count} (range)", Spread(runs.Select(r => r.UnderFaults.FilesPerSecond), "N1"),
                $"{Spread(runs.Select(r => r.Ratio), "P0")} of the calm phase in the same run");
            table.AddRow("", "files/s, calm phase", Spread(runs.Select(r => r.Calm.FilesPerSecond), "N1"), "");
            table.AddRow("", "faults made / files confirmed under faults",
                $"{runs.Sum(r => r.FaultsInjected)} / {runs.Sum(r => r.UnderFaults.Confirmed)}",
                $"{runs.Sum(r => r.UnderFaults.Synced + r.Calm.Synced)} SYNCED · {runs.Sum(r => r.UnderFaults.Failed + r.Calm.Failed)} FAILED · {runs.Sum(r => r.UnderFaults.Unsettled + r.Calm.Unsettled)} unsettled (target 0)");
            AddFailures(table);
            table.Title = new TableTitle("chaos: the test suite's fault rounds on a local stack");
            AnsiConsole.Write(table);
            return;
        }

        AddFailures(table);
        table.AddRow("ceilings", "SHA-256, in memory (one call)", $"{Ceilings.Sha256MbPerS:N0} MB/s", "");
        table.AddRow("", "storage read (plain streamed GET)", $"{Ceilings.StorageReadMbPerS:N0} MB/s", "");
        table.AddRow("", "clamd INSTREAM (random bytes, from memory)", $"{Ceilings.ScannerMbPerS:N0} MB/s", "");
        table.AddRow("", "storage, 64 KiB files (PUT + HEAD + GET)", $"{Ceilings.StorageSmallFilesPerS:N0} files/s", "");
        table.AddRow("", "trivial endpoint (/alive)", $"{Ceilings.TrivialEndpointRps:N0} requests/s", "");
        AnsiConsole.Write(table);
    }

    void AddFailures(Table table)
    {
        foreach (var failure in Failures)
        {
            table.AddRow($"[red]{Markup.Escape(failure.Scenario)}[/]", "[red]failed: no figures[/]", Markup.Escape(failure.Reason), "");
        }
    }
}
