using Spectre.Console;
using Uploads.Benchmarks;
using Uploads.Benchmarks.Scenarios;

// dotnet run --project Uploads.Benchmarks -- [all|presign|pipeline|bigfile|cli|thumbnails|peer|ceilings]... [--quick] [--json PATH] [--api URL --token TOKEN]
// dotnet run --project Uploads.Benchmarks -- chaos [--quick] [--json PATH]   (alone, on a local stack with fault proxies)
// dotnet run --project Uploads.Benchmarks -- soak [--quick] [--json PATH]    (alone, on a local stack of two APIs and three workers)
var scenarios = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).DefaultIfEmpty("all").ToHashSet();
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
bool Runs(string scenario) => scenarios.Contains("all") || scenarios.Contains(scenario);
var settings = new Settings(Quick: args.Contains("--quick"));
var chaos = scenarios.Contains("chaos");
var soak = scenarios.Contains("soak");
if ((chaos || soak) && (scenarios.Count > 1 || Option("--api") is not null))
{
    AnsiConsole.MarkupLine("[red]chaos and soak each run alone, on a local stack they start (chaos with fault proxies, soak scaled out).[/]");
    return 2;
}

var report = new Report();

// Ctrl+C or SIGTERM stops the stack the benchmark started, like the AppHost does, instead of leaving it running.
using var stop = new CancellationTokenSource();
using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
void Stop(System.Runtime.InteropServices.PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}

await using var target = Option("--api") is { } api
    ? Target.Remote(new Uri(api), Option("--token") ?? throw new ArgumentException("--api needs --token (see: dotnet run --project Uploads.AppHost -- token)."))
    : await AnsiConsole.Status().StartAsync("Starting an isolated stack through the AppHost…", _ => Target.StartLocalAsync(CancellationToken.None, forFaults: chaos, scaledOut: soak));

var running = AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
{
    var step = "";
    ProgressTask Task(string name)
    {
        step = name;
        return progress.AddTask(name, maxValue: 1);
    }

    void Update(ProgressTask task, double done) => task.Value = done;

    // Every scenario has a bound: one that does not finish within it, or fails, is reported failed with the step it was
    // at, and the next one runs. Work it leaves behind may still load the machine; none of its figures are reported.
    async Task Scenario(string name, Func<CancellationToken, Task> run)
    {
        var bound = settings.Bound(name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        timeout.CancelAfter(bound);
        try
        {
            await run(timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            report.Failures.Add(new(name, timeout.IsCancellationRequested
                ? $"did not finish within {bound.TotalMinutes:N0} min; it was at: {step}"
                : $"failed at: {step}: {ex.GetType().Name}: {ex.Message}"));
        }
    }

    if (chaos)
    {
        report.Chaos = [];
        for (var run = 1; run <= settings.Repeats; run++)
        {
            await Scenario("chaos", async _ =>
            {
                var task = Task($"chaos: run {run} of {settings.Repeats}");
                report.Chaos.Add(await Chaos.RunAsync(target, Random.Shared.Next(), settings.Duration * 2, d => Update(task, d)));
            });
        }

        return;
    }

    if (soak)
    {
        await Scenario("soak", async cancellationToken =>
        {
            var replicas = Task($"soak: {settings.SoakFiles:N0} files through two APIs and three workers");
            var replicaRun = await Soak.ReplicasAsync(target, settings.SoakFiles, d => Update(replicas, d), cancellationToken);
            var page = Task($"soak: {settings.SoakPageBytes / 1e9:N1} GB from the upload page in Chromium");
            report.Soak = new(replicaRun, await Soak.PageAsync(target, settings.SoakPageBytes, d => Update(page, d), cancellationToken));
        });
        return;
    }

    await Scenario("warm-up", async _ =>
    {
        var warmUp = Task("warm-up (not measured)");
        await Ceilings.TrivialEndpointAsync(target.Client, settings.WarmUp / 2, d => Update(warmUp, d / 4));
        if (Runs("presign"))
        {
            await Presign.SaturateAsync(target.Client, settings.WarmUp, d => Update(warmUp, 0.25 + d / 4));
        }

        if (Runs("pipeline"))
        {
            await Pipeline.SaturateAsync(target.Client, settings.WarmUpFiles, d => Update(warmUp, 0.5 + d / 2));
        }

        warmUp.Value = 1;
        var trivial = Task("ceiling: trivial endpoint");
        report.Ceilings.TrivialEndpointRps = await Ceilings.TrivialEndpointAsync(target.Client, settings.Duration, d => Update(trivial, d));
        var sha = Task("ceiling: SHA-256");
        (report.Ceilings.Sha256MbPerS, report.Ceilings.HasherFromMemoryMbPerS) = await Ceilings.Sha256Async(settings.CeilingBytes);
        sha.Value = 1;
    });

    if (Runs("presign"))
    {
        await Scenario("presign", async _ =>
        {
            var runs = new List<(double PerSecond, Latencies Latencies)>();
            for (var run = 1; run <= settings.Repeats; run++)
            {
                var saturate = Task($"presign: saturation, run {run} of {settings.Repeats}");
                runs.Add(await Presign.SaturateAsync(target.Client, settings.Duration, d => Update(saturate, d)));
            }

            var rate = Spread.Of(runs.Select(r => r.PerSecond));
            var latencies = Spread.MedianRun(runs, r => r.PerSecond).Latencies;
            var atRate = Task("presign: 1,000 requests/s");
            await target.Client.OpenConnectionsAsync(settings.OpenLoopConnections);
            await Presign.AtRateAsync(target.Client, 1000, settings.OpenLoopWarmUp, _ => { });
            var at1000 = await Presign.AtRateAsync(target.Client, 1000, settings.Duration, d => Update(atRate, d));
            var aliveAtRate = Task("ceiling: trivial endpoint at 1,000 requests/s");
            await Ceilings.TrivialEndpointAtRateAsync(target.Client, 1000, settings.OpenLoopWarmUp, _ => { });
            var aliveAt1000 = await Ceilings.TrivialEndpointAtRateAsync(target.Client, 1000, settings.Duration, d => Update(aliveAtRate, d));
            report.Presign = new(rate.Median, latencies.Percentile(50), latencies.Percentile(99), latencies.Percentile(99.9), at1000.Percentile(99), aliveAt1000.Percentile(99),
                rate.Median / report.Ceilings.TrivialEndpointRps!.Value, rate.Range, settings.Repeats);
        });
    }

    if (Runs("pipeline"))
    {
        await Scenario("pipeline", async _ =>
        {
            using var storage = target.Storage();
            if (storage is not null && target.Resources is { } stack)
            {
                var smallFiles = Task("ceiling: storage, small files");
                report.Ceilings.StorageSmallFilesPerS = await Ceilings.StorageSmallFilesAsync(
                    storage, Uploads.AppHost.BackingServices.Bucket, Pipeline.FileBytes, settings.Duration, d => Update(smallFiles, d));
            }

            // Each service's CPU per file. Ours, as issue 17 counts them: the APIs, the workers, PostgreSQL, RabbitMQ and
            // Redis; storage and clamd beside them, to show where the rest of the machine goes.
            Dictionary<string, int[]> services = target.Resources is { } counted
                ? new()
                {
                    ["api"] = [.. counted.Apis.Select(target.ProcessId)],
                    ["worker"] = [.. counted.Workers.Select(target.ProcessId)],
                    ["postgres"] = [target.ProcessId(counted.Postgres)],
                    ["rabbitmq"] = [target.ProcessId(counted.Messaging)],
                    ["redis"] = [target.ProcessId(counted.Cache)],
                    ["storage"] = [target.ProcessId(counted.Storage)],
                    ["clamd"] = [target.ProcessId(counted.Scanner)],
                }
                : [];
            string[] ours = ["api", "worker", "postgres", "rabbitmq", "redis"];
            var runs = new List<(double FilesPerSecond, IReadOnlyList<FailedFile> Failed, Dictionary<string, double> CpuMsPerFile)>();
            for (var run = 1; run <= settings.Repeats; run++)
            {
                var saturate = Task($"pipeline: saturation, run {run} of {settings.Repeats}");
                var cpuBefore = services.ToDictionary(s => s.Key, s => ServiceCpu.Of(s.Value));
                var (perSecond, failedFiles) = await Pipeline.SaturateAsync(target.Client, settings.PipelineFiles, d => Update(saturate, d));
                runs.Add((perSecond, failedFiles, services.ToDictionary(
                    s => s.Key, s => (ServiceCpu.Of(s.Value) - cpuBefore[s.Key]).TotalMilliseconds / (settings.PipelineFiles - failedFiles.Count))));
            }

            var files = Spread.Of(runs.Select(r => r.FilesPerSecond));
            var (filesPerSecond, failed) = (files.Median, runs.SelectMany(r => r.Failed).ToList());
            double? cpuMsPerFile = services.Count > 0 ? Spread.Of(runs.Select(r => ours.Sum(name => r.CpuMsPerFile[name]))).Median : null;
            var cpuByService = services.Keys.ToDictionary(name => name, name => Spread.Of(runs.Select(r => r.CpuMsPerFile[name])).Median);
            var atRate = Task("pipeline: 50 files/s");
            var latencies = await Pipeline.AtRateAsync(target.Client, 50, settings, d => Update(atRate, d));
            report.Pipeline = new(filesPerSecond, latencies.Percentile(50), latencies.Percentile(99), 50, failed,
                filesPerSecond / report.Ceilings.StorageSmallFilesPerS, cpuMsPerFile, cpuByService, files.Range, settings.Repeats);
        });
    }

    if (Runs("bigfile"))
    {
        await Scenario("bigfile", async _ =>
        {
            var big = Task($"bigfile: {settings.BigFileBytes / (1024 * 1024)} MiB");
            var result = await BigFile.RunAsync(target, settings, d => Update(big, d));
            report.Ceilings.StorageReadMbPerS = result.StorageReadMegabytesPerSecond;
            report.Ceilings.ScannerMbPerS = result.ScannerMegabytesPerSecond;
            report.Bigfile = new(settings.BigFileBytes / (1024.0 * 1024), result.SyncMegabytesPerSecond,
                result.SyncMegabytesPerSecond / result.StorageReadMegabytesPerSecond,
                result.SyncMegabytesPerSecond / result.ScannerMegabytesPerSecond,
                report.Ceilings.HasherFromMemoryMbPerS!.Value / report.Ceilings.Sha256MbPerS!.Value,
                result.WorkerPeakMegabytes, result.ApiPeakMegabytes, result.WorkerPrivateMegabytes, result.ApiPrivateMegabytes,
                result.WorkerPrivateAtStartMegabytes, result.ApiPrivateAtStartMegabytes);
        });
    }

    if (Runs("cli"))
    {
        await Scenario("cli", async cancellationToken =>
        {
            var runs = new List<(CliRun Small, CliRun Big)>();
            for (var run = 1; run <= settings.Repeats; run++)
            {
                var task = Task($"cli: uploads push, run {run} of {settings.Repeats}");
                var small = await Cli.PushAsync(target, Cli.SmallFiles(settings), Cli.SmallFileBytes, cancellationToken);
                task.Value = 0.5;
                runs.Add((small, await Cli.PushAsync(target, 1, settings.BigFileBytes, cancellationToken)));
                task.Value = 1;
            }

            var files = Spread.Of(runs.Select(r => Cli.SmallFiles(settings) / r.Small.Seconds));
            var megabytes = Spread.Of(runs.Select(r => settings.BigFileBytes / (1024.0 * 1024) / r.Big.Seconds));
            report.Cli = new(Cli.SmallFiles(settings), files.Median, files.Range, files.Median / report.Pipeline?.FilesPerS, runs.Max(r => r.Small.PeakMegabytes),
                settings.BigFileBytes / (1024.0 * 1024), megabytes.Median, megabytes.Range, megabytes.Median / report.Bigfile?.SyncMbPerS,
                runs.Max(r => r.Big.PeakMegabytes), [.. runs.SelectMany(r => r.Small.Failures.Concat(r.Big.Failures))], settings.Repeats);
        });
    }

    if (Runs("peer") && target.Resources is { } local)
    {
        await Scenario("peer", async _ =>
        {
            await using var companion = await Peer.StartAsync(local.Storage, CancellationToken.None);
            var peerWarmUp = Task("peer: warm-up of both (not measured)");
            await companion.RoundAsync(target.Client, settings.WarmUp, d => Update(peerWarmUp, d));
            var rounds = new List<PeerRound>();
            for (var round = 1; round <= settings.Repeats; round++)
            {
                var task = Task($"peer: Companion's /s3/params, then our presign, round {round} of {settings.Repeats}");
                rounds.Add(await companion.RoundAsync(target.Client, settings.Duration, d => Update(task, d)));
            }

            var (theirs, ours, ratio) = (Spread.Of(rounds.Select(r => r.CompanionPerSecond)), Spread.Of(rounds.Select(r => r.OursPerSecond)), Spread.Of(rounds.Select(r => r.Ratio)));
            report.Peer = new(theirs.Median, theirs.Range, ours.Median, ours.Range, ratio.Median, ratio.Range, settings.Repeats);
        });
    }

    if (Runs("thumbnails"))
    {
        await Scenario("thumbnails", async _ =>
        {
            var files = Thumbnails.Files(settings);
            var ceilingPictures = Thumbnails.MakePictures(files, set: 0);
            var ceiling = Thumbnails.Ceiling(ceilingPictures);
            double? scanner = target.Resources is { } scanned ? await Thumbnails.ScannerCeilingAsync(scanned.Scanner.ConnectionString, ceilingPictures) : null;
            var runs = new List<ThumbnailRun>();
            for (var run = 1; run <= settings.Repeats; run++)
            {
                var task = Task($"thumbnails: {files} × 12 MP JPEG, run {run} of {settings.Repeats}");
                runs.Add(await Thumbnails.RunAsync(target, Thumbnails.MakePictures(files, set: run), d => Update(task, d)));
            }

            var rate = Spread.Of(runs.Select(r => r.FilesPerSecond));
            var median = rate.Median;
            var mostPrivate = runs.MaxBy(r => r.WorkerPrivateMegabytes)!;
            report.Thumbnails = new(files, median, rate.Range, ceiling, median / ceiling, scanner, median / scanner,
                runs.Max(r => r.WorkerPeakMegabytes), mostPrivate.WorkerPrivateMegabytes, mostPrivate.WorkerFileBackedMegabytes, settings.Repeats);
        });
    }
});

try
{
    await running.WaitAsync(stop.Token);
}
catch (OperationCanceledException)
{
    AnsiConsole.MarkupLine("[yellow]Stopped before the end: no figures.[/]");
    return 1;
}

report.Print();
if (Option("--json") is { } json)
{
    await report.WriteJsonAsync(json);
    AnsiConsole.MarkupLine($"Figures written to [bold]{json.EscapeMarkup()}[/].");
}

return report.Failures.Count == 0 ? 0 : 1;
