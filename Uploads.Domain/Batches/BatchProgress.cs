using Uploads.Domain.Files;

namespace Uploads.Domain.Batches;

/// <summary>Where a batch stands, as a client follows it.</summary>
public enum BatchStatus
{
    /// <summary>Some file has not reached a terminal state yet (or the batch has no file yet).</summary>
    InProgress,

    /// <summary>Every file is SYNCED.</summary>
    Completed,

    /// <summary>Every file is terminal, and some are FAILED or EXPIRED.</summary>
    CompletedWithFailures,
}

/// <summary>How many of the batch's files (and bytes) stand in each state.</summary>
/// <param name="Failed">FAILED or EXPIRED: terminal, without content.</param>
/// <param name="Pending">Not terminal yet: PENDING, UPLOADED or SYNCING.</param>
public sealed record BatchProgress(int TotalFiles, int Synced, int Failed, int Pending, long BytesTotal, long BytesSynced)
{
    public static readonly BatchProgress Empty = new(0, 0, 0, 0, 0, 0);

    /// <summary>The share of files that reached a terminal state, 0 to 1.</summary>
    public double Progress => TotalFiles == 0 ? 0 : (double)(Synced + Failed) / TotalFiles;

    public BatchStatus Status => this switch
    {
        { TotalFiles: 0 } or { Pending: > 0 } => BatchStatus.InProgress,
        { Failed: > 0 } => BatchStatus.CompletedWithFailures,
        _ => BatchStatus.Completed,
    };

    public bool IsSettled => Status != BatchStatus.InProgress;

    /// <summary>The progress of files counted by state, with their bytes (stored size, or declared size until it is stored).</summary>
    public static BatchProgress From(IEnumerable<(FileStatus Status, int Files, long Bytes)> counts)
    {
        var progress = Empty;
        foreach (var (status, files, bytes) in counts)
        {
            progress = progress with { TotalFiles = progress.TotalFiles + files, BytesTotal = progress.BytesTotal + bytes };
            progress = status switch
            {
                FileStatus.Synced => progress with { Synced = progress.Synced + files, BytesSynced = progress.BytesSynced + bytes },
                _ when FileStateMachine.IsTerminal(status) => progress with { Failed = progress.Failed + files },
                _ => progress with { Pending = progress.Pending + files },
            };
        }

        return progress;
    }
}
