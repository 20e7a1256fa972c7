using System.Collections.Concurrent;

namespace Uploads.Cli.Pushing;

/// <summary>What a push did so far, counted from every stage at once; the display and the summary read it.</summary>
public sealed class PushProgress
{
    long filesFound, bytesFound, filesHashed, bytesHashed, filesSkipped, filesDeduplicated, filesSent, bytesSent, bytesAlreadyStored;
    readonly ConcurrentDictionary<string, byte> current = new();
    readonly ConcurrentQueue<PushFailure> failures = new();
    readonly ConcurrentQueue<SkippedEntry> skippedEntries = new();

    public long FilesFound => Interlocked.Read(ref filesFound);
    public long BytesFound => Interlocked.Read(ref bytesFound);
    public long FilesHashed => Interlocked.Read(ref filesHashed);
    public long BytesHashed => Interlocked.Read(ref bytesHashed);

    /// <summary>Files the local state knows are SYNCED, unchanged since: not even hashed again.</summary>
    public long FilesSkipped => Interlocked.Read(ref filesSkipped);

    /// <summary>Files whose content the tenant already had SYNCED: nothing sent.</summary>
    public long FilesDeduplicated => Interlocked.Read(ref filesDeduplicated);

    /// <summary>Files whose bytes this push sent (whole, or their missing parts).</summary>
    public long FilesSent => Interlocked.Read(ref filesSent);

    public long BytesSent => Interlocked.Read(ref bytesSent);

    /// <summary>Bytes an earlier, interrupted push had stored already (parts of a multipart upload).</summary>
    public long BytesAlreadyStored => Interlocked.Read(ref bytesAlreadyStored);

    public BatchFigures? Batch { get; set; }

    public IReadOnlyCollection<string> Current => [.. current.Keys];

    public IReadOnlyList<PushFailure> Failures => [.. failures];

    /// <summary>What matched but is not a regular file (links, pipes, sockets, devices): never opened, never sent.</summary>
    public IReadOnlyList<SkippedEntry> SkippedEntries => [.. skippedEntries];

    /// <summary>This push's files the batch is still waiting for, with their states, as last read.</summary>
    public IReadOnlyList<WaitingFile> WaitingFor { get; set; } = [];

    public void Found(LocalFile file)
    {
        Interlocked.Increment(ref filesFound);
        Interlocked.Add(ref bytesFound, file.Size);
    }

    public void Hashed(LocalFile file)
    {
        Interlocked.Increment(ref filesHashed);
        Interlocked.Add(ref bytesHashed, file.Size);
    }

    public void Skipped() => Interlocked.Increment(ref filesSkipped);

    public void SkippedEntry(string path, string what) => skippedEntries.Enqueue(new SkippedEntry(path, what));

    public void Deduplicated() => Interlocked.Increment(ref filesDeduplicated);

    public void Sending(LocalFile file) => current.TryAdd(file.RelativePath, 0);

    public void SentFile(LocalFile file)
    {
        current.TryRemove(file.RelativePath, out _);
        Interlocked.Increment(ref filesSent);
    }

    public void Sent(long bytes) => Interlocked.Add(ref bytesSent, bytes);

    public void AlreadyStored(long bytes) => Interlocked.Add(ref bytesAlreadyStored, bytes);

    public void Failed(LocalFile file, Guid? fileId, string reason)
    {
        current.TryRemove(file.RelativePath, out _);
        failures.Enqueue(new PushFailure(file.RelativePath, fileId, reason));
    }
}

/// <param name="Path">The file, relative to the folder pushed.</param>
/// <param name="Reason">The API's or storage's reason, or the file's FAILED/EXPIRED reason.</param>
public sealed record PushFailure(string Path, Guid? FileId, string Reason);

/// <param name="What">What it is instead of a regular file: "a symbolic link", "a named pipe", …</param>
public sealed record SkippedEntry(string Path, string What);

public sealed record WaitingFile(string Path, string Status);

/// <summary>The batch's figures as the API last reported them.</summary>
public sealed record BatchFigures(int TotalFiles, int Synced, int Failed, int Pending, long BytesTotal, long BytesSynced, double Progress, string Status);
