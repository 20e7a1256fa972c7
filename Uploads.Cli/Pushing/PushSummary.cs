using System.Text.Json;
using Spectre.Console;
using Uploads.Cli.Api;

namespace Uploads.Cli.Pushing;

/// <summary>What a push did, for a person (a few lines and the failures) or for a program (<c>--json</c>).</summary>
public sealed record PushSummary(
    Guid? BatchId,
    string BatchName,
    long Files,
    long AlreadySynced,
    long Deduplicated,
    long SentFiles,
    long SentBytes,
    long BytesAlreadyStored,
    BatchFigures? Batch,
    IReadOnlyList<PushFailure> Failures,
    IReadOnlyList<SkippedEntry> Skipped,
    double Seconds)
{
    public static PushSummary From(PushResult result, string batchName, TimeSpan elapsed)
    {
        var progress = result.Progress;
        return new PushSummary(
            result.BatchId, batchName, progress.FilesFound, progress.FilesSkipped, progress.FilesDeduplicated, progress.FilesSent,
            progress.BytesSent, progress.BytesAlreadyStored, progress.Batch, progress.Failures, progress.SkippedEntries, Math.Round(elapsed.TotalSeconds, 3));
    }

    public void WriteJson() => Console.WriteLine(JsonSerializer.Serialize(this, UploadsClient.Json));

    public void Write()
    {
        AnsiConsole.MarkupLineInterpolated(
            $"Batch [bold]{BatchName}[/] ({BatchId?.ToString() ?? "no files"}): {Files:N0} files, {SentFiles:N0} sent ({SentBytes / 1_000_000.0:N1} MB), {Deduplicated:N0} deduplicated, {AlreadySynced:N0} unchanged since the last push.");
        if (Batch is { } batch)
        {
            AnsiConsole.MarkupLineInterpolated($"The batch: {batch.Synced:N0} synced, {batch.Failed:N0} failed, {batch.Pending:N0} pending of {batch.TotalFiles:N0} ({batch.Status}).");
        }

        foreach (var skipped in Skipped)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Skipped {skipped.Path}: {skipped.What}, not a regular file.[/]");
        }

        if (Failures.Count == 0)
        {
            return;
        }

        AnsiConsole.MarkupLineInterpolated($"[red]{Failures.Count:N0} files failed:[/]");
        foreach (var failure in Failures)
        {
            AnsiConsole.MarkupLineInterpolated($"  {failure.Path} ({failure.FileId?.ToString() ?? "no file"}): {failure.Reason}");
        }
    }
}
