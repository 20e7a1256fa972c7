using System.Collections.Concurrent;
using Spectre.Console;
using Uploads.Cli.Pushing;

namespace Uploads.Cli.Watching;

/// <summary>
/// Keeps a folder pushed: file-system events (and a periodic rescan, for the events a watcher can drop) make a file a
/// candidate; a candidate whose size and modification time stayed the same for <paramref name="stableFor"/> is pushed
/// into the folder's batch. A changed file is new content: a new file of the batch with the same external id (its path).
/// </summary>
public sealed class FolderWatcher(FolderPush push, TimeSpan stableFor, TimeSpan rescanEvery, TimeProvider clock)
{
    static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    readonly ConcurrentDictionary<string, Candidate> candidates = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, string> skipped = new(StringComparer.Ordinal);
    volatile bool rescanNow;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var watcher = new FileSystemWatcher(push.Folder.Path)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        watcher.Created += (_, e) => Seen(e.FullPath);
        watcher.Changed += (_, e) => Seen(e.FullPath);
        watcher.Renamed += (_, e) => Seen(e.FullPath);
        // The kernel's queue overflowed: events were lost, so look at everything.
        watcher.Error += (_, _) => rescanNow = true;
        watcher.EnableRaisingEvents = true;

        Report(await push.PushAsync(null, quiet: false, cancellationToken));
        AnsiConsole.MarkupLineInterpolated($"Watching {push.Folder.Path} (a file is pushed once unchanged for {stableFor.TotalSeconds:N1} s). Ctrl+C stops.");
        var lastScan = clock.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(Tick, clock, cancellationToken);
            if (rescanNow || clock.GetUtcNow() - lastScan >= rescanEvery)
            {
                rescanNow = false;
                lastScan = clock.GetUtcNow();
                Rescan();
            }

            if (TakeStable() is { Count: > 0 } stable)
            {
                Report(await push.PushAsync(stable, quiet: true, cancellationToken));
            }
        }
    }

    void Seen(string path)
    {
        if (push.Folder.Matches(path) && Observe(path) is { } observed)
        {
            candidates[path] = observed;
        }
    }

    /// <summary>Says once per path and kind that a link, pipe, socket or device was left alone.</summary>
    void Skip(string relativePath, string what)
    {
        if (skipped.TryGetValue(relativePath, out var said) && said == what)
        {
            return;
        }

        skipped[relativePath] = what;
        AnsiConsole.MarkupLineInterpolated($"[yellow]{DateTime.Now:HH:mm:ss} skipped {relativePath}: {what}, not a regular file.[/]");
    }

    void Rescan()
    {
        var state = push.LoadState();
        foreach (var file in push.Folder.Enumerate(Skip))
        {
            if (!FolderPush.IsKnownSynced(state, file) && !candidates.ContainsKey(file.FullPath))
            {
                Seen(file.FullPath);
            }
        }
    }

    /// <summary>The candidates unchanged for long enough, taken out; a candidate that changed starts waiting again, one that is gone is dropped.</summary>
    List<LocalFile> TakeStable()
    {
        var stable = new List<LocalFile>();
        foreach (var (path, candidate) in candidates)
        {
            var observed = Observe(path);
            if (observed is null)
            {
                candidates.TryRemove(path, out _);
            }
            else if (observed.Size != candidate.Size || observed.ModifiedTicks != candidate.ModifiedTicks)
            {
                candidates[path] = observed;
            }
            else if (clock.GetUtcNow() - candidate.Since >= stableFor && candidates.TryRemove(new KeyValuePair<string, Candidate>(path, candidate)))
            {
                stable.Add(LocalFile.From(push.Folder.Path, new FileInfo(path)));
            }
        }

        return stable;
    }

    /// <summary>The regular file at <paramref name="path"/> as it is now; null when there is none (what else is there is said).</summary>
    Candidate? Observe(string path)
    {
        if (RegularFiles.WhatElse(path) is { } what)
        {
            // A folder's own events say nothing to push; its files have events of their own.
            if (what != RegularFiles.Folder)
            {
                Skip(push.Folder.RelativePath(path), what);
            }

            return null;
        }

        var info = new FileInfo(path);
        return info.Exists ? new Candidate(info.Length, info.LastWriteTimeUtc.Ticks, clock.GetUtcNow()) : null;
    }

    static void Report(PushSummary summary)
    {
        if (summary.SentFiles + summary.Deduplicated + summary.Failures.Count == 0)
        {
            return;
        }

        AnsiConsole.MarkupLineInterpolated(
            $"{DateTime.Now:HH:mm:ss} pushed {summary.SentFiles:N0} files ({summary.SentBytes / 1_000_000.0:N1} MB), {summary.Deduplicated:N0} deduplicated, {summary.Failures.Count:N0} failed; batch {summary.Batch?.Synced ?? 0:N0}/{summary.Batch?.TotalFiles ?? 0:N0} synced.");
        foreach (var failure in summary.Failures)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]  {failure.Path}: {failure.Reason}[/]");
        }
    }

    sealed record Candidate(long Size, long ModifiedTicks, DateTimeOffset Since);
}
