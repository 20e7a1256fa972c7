using System.Diagnostics;
using System.Text.Json;
using Uploads.AppHost;
using Uploads.Tests.Fixtures;

namespace Uploads.Benchmarks.Scenarios;

/// <param name="Seconds">From starting <c>uploads push</c> to its exit, every file SYNCED.</param>
/// <param name="PeakMegabytes">The client's peak resident memory (VmHWM).</param>
/// <param name="Failures">Each file the push reported failed, with its reason ("path: reason").</param>
public sealed record CliRun(double Seconds, double PeakMegabytes, IReadOnlyList<string> Failures);

/// <summary>
/// The command-line client as a user runs it: <c>uploads push</c> of a folder of small files and of one large file, timed
/// from start to exit (hashing, uploading, confirming and following the batch until every file is SYNCED), with its peak memory.
/// </summary>
public static class Cli
{
    const long MiB = 1024 * 1024;
    static readonly TimeSpan MemorySampling = TimeSpan.FromMilliseconds(100);

    /// <summary>The client's build output of the benchmark's own configuration and framework.</summary>
    static readonly string Program = AppHostPaths.CommandLineClient("Uploads.Benchmarks");

    public static int SmallFiles(Settings settings) => settings.Quick ? 300 : 2000;
    public const int SmallFileBytes = 64 * 1024;

    /// <summary>Pushes a new folder of <paramref name="files"/> random files of <paramref name="bytes"/> each, as one batch.</summary>
    public static async Task<CliRun> PushAsync(Target target, int files, long bytes, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("uploads-bench-cli-").FullName;
        var config = Directory.CreateTempSubdirectory("uploads-bench-cli-config-").FullName;
        try
        {
            var buffer = new byte[MiB];
            for (var i = 0; i < files; i++)
            {
                await using var file = File.Create(Path.Combine(folder, $"file-{i:D5}.bin"));
                for (var written = 0L; written < bytes; written += buffer.Length)
                {
                    Random.Shared.NextBytes(buffer);
                    await file.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, bytes - written)));
                }
            }

            var startInfo = new ProcessStartInfo(Program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "push", folder, "--json" })
            {
                startInfo.ArgumentList.Add(argument);
            }

            startInfo.Environment["UPLOADS_API"] = target.Client.Http.BaseAddress!.ToString();
            startInfo.Environment["UPLOADS_TOKEN"] = target.Client.Token;
            startInfo.Environment["XDG_CONFIG_HOME"] = config;

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(startInfo)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            // The scenario's bound: a push still running when it passes is stopped, never left behind.
            await using var stopping = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
            var peak = 0L;
            while (!process.HasExited)
            {
                try
                {
                    peak = Math.Max(peak, ProcessMemory.Peak(process.Id));
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException)
                {
                    // Exited between the check and the read (gone, or a zombie whose status has no memory lines).
                }

                await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(MemorySampling));
            }

            var seconds = clock.Elapsed.TotalSeconds;
            cancellationToken.ThrowIfCancellationRequested();
            // Exit code 1: files failed, and the summary lists them; anything else is the push itself failing.
            if (process.ExitCode is not (0 or 1))
            {
                throw new InvalidOperationException($"uploads push exited with {process.ExitCode}: {await output} {await errors}");
            }

            using var summary = JsonDocument.Parse(await output);
            var failures = summary.RootElement.GetProperty("failures").EnumerateArray()
                .Select(f => $"{f.GetProperty("path").GetString()}: {f.GetProperty("reason").GetString()}").ToList();
            return new CliRun(seconds, peak / (double)MiB, failures);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
            Directory.Delete(config, recursive: true);
        }
    }
}
