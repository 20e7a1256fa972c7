using System.Diagnostics;
using Spectre.Console;

namespace Uploads.Cli.Pushing;

/// <summary>
/// Shows a push while it runs: live bars in a terminal (total, MB/s, files/s, time left, the files being sent), plain
/// lines every two seconds when the output is a file or a pipe, nothing at all for <c>--json</c>.
/// </summary>
public static class PushDisplay
{
    static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(2);

    public static async Task<T> RunAsync<T>(PushProgress progress, bool quiet, Func<Task<T>> push)
    {
        if (quiet)
        {
            return await push();
        }

        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await PrintLinesAsync(progress, push);
        }

        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var hashing = context.AddTask("hashing");
                var sending = context.AddTask("sending");
                var syncing = context.AddTask("synced");
                var clock = Stopwatch.StartNew();
                var running = push();
                while (await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(250))) != running)
                {
                    Update();
                }

                Update();
                return await running;

                void Update()
                {
                    hashing.MaxValue = Math.Max(1, progress.BytesFound);
                    hashing.Value = progress.BytesHashed;
                    hashing.Description = $"hashing {progress.FilesHashed:N0}/{progress.FilesFound:N0} files";
                    sending.MaxValue = Math.Max(1, progress.BytesHashed);
                    sending.Value = Math.Min(sending.MaxValue, progress.BytesSent + progress.BytesAlreadyStored);
                    var current = progress.Current.Take(2).Select(Markup.Escape).ToList();
                    sending.Description = current.Count > 0 ? $"sending {string.Join(", ", current)}" : "sending";
                    if (progress.Batch is { } batch)
                    {
                        syncing.MaxValue = Math.Max(1, batch.TotalFiles);
                        syncing.Value = batch.Synced + batch.Failed;
                        syncing.Description = Markup.Escape($"synced {batch.Synced:N0}/{batch.TotalFiles:N0} ({FilesPerSecond(batch.Synced, clock.Elapsed):N1} files/s){Waiting(progress)}");
                    }
                }
            });
    }

    static async Task<T> PrintLinesAsync<T>(PushProgress progress, Func<Task<T>> push)
    {
        var clock = Stopwatch.StartNew();
        var running = push();
        while (await Task.WhenAny(running, Task.Delay(LineInterval)) != running)
        {
            Console.WriteLine(Line(progress, clock.Elapsed));
        }

        Console.WriteLine(Line(progress, clock.Elapsed));
        return await running;
    }

    public static string Line(PushProgress progress, TimeSpan elapsed)
    {
        var line = $"{elapsed:hh\\:mm\\:ss} hashed {progress.FilesHashed:N0}/{progress.FilesFound:N0} files, sent {progress.FilesSent:N0} files "
            + $"{Megabytes(progress.BytesSent):N1} MB ({Megabytes(progress.BytesSent) / Math.Max(0.001, elapsed.TotalSeconds):N1} MB/s)";
        return progress.Batch is { } batch
            ? line + $", batch {batch.Synced:N0} synced {batch.Failed:N0} failed of {batch.TotalFiles:N0} ({FilesPerSecond(batch.Synced, elapsed):N1} files/s){Waiting(progress)}"
            : line;
    }

    /// <summary>Which of this push's files the batch is still waiting for, and in which state: a wait is never silent.</summary>
    static string Waiting(PushProgress progress) => progress.WaitingFor switch
    {
        [] => "",
        var waiting => $", waiting for {waiting.Count:N0}: "
            + string.Join(", ", waiting.Take(3).Select(w => $"{w.Path} ({w.Status})")) + (waiting.Count > 3 ? ", …" : ""),
    };

    static double Megabytes(long bytes) => bytes / 1_000_000.0;

    static double FilesPerSecond(long files, TimeSpan elapsed) => files / Math.Max(0.001, elapsed.TotalSeconds);
}
