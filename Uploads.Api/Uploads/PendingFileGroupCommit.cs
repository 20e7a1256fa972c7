using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Uploads.Domain.Files;

namespace Uploads.Api.Uploads;

/// <summary>
/// Group commit of new PENDING files. The upload requests that arrive while a write is under way wait for the next one,
/// and each write stores everything that waited (up to <see cref="UploadOptions.GroupCommitMaxFiles"/>) in one
/// transaction: one round trip and one commit for many callers. No timer holds a lone request back. A caller is answered
/// only when its row is durable, so no URL is ever signed for a file without a record; when a write fails, every caller in
/// it fails with <see cref="GroupCommitFailedException"/>.
/// </summary>
public sealed class PendingFileGroupCommit(UploadRecords records, IOptions<UploadOptions> options, ILogger<PendingFileGroupCommit> logger)
    : BackgroundService
{
    readonly Channel<PendingWrite> waiting = Channel.CreateUnbounded<PendingWrite>();
    readonly int maxFiles = options.Value.GroupCommitMaxFiles;
    readonly int writers = options.Value.GroupCommitWriters;

    /// <summary>
    /// Stores the file with the next group; false when its declared digest is already PENDING in another file (nothing
    /// was stored). A caller that gives up waiting may still find its file stored, PENDING, to expire unused.
    /// </summary>
    public async Task<bool> StoreAsync(FileRecord file, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(file);
        if (!waiting.Writer.TryWrite(write))
        {
            throw new GroupCommitFailedException("The API is shutting down.", innerException: null);
        }

        return await write.Stored.Task.WaitAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(_ => WriteGroupsAsync(stoppingToken)));

    async Task WriteGroupsAsync(CancellationToken stoppingToken)
    {
        var group = new List<PendingWrite>(maxFiles);
        try
        {
            while (await waiting.Reader.WaitToReadAsync(stoppingToken))
            {
                while (group.Count < maxFiles && waiting.Reader.TryRead(out var write))
                {
                    group.Add(write);
                }

                if (group.Count > 0)
                {
                    // A group already taken is written even while the API stops: its callers are waiting for it.
                    await WriteAsync(group, CancellationToken.None);
                    group.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            waiting.Writer.TryComplete();
            while (waiting.Reader.TryRead(out var abandoned))
            {
                abandoned.Stored.TrySetException(new GroupCommitFailedException("The API stopped before this upload request was stored.", innerException: null));
            }
        }
    }

    /// <summary>Writes one group, and answers each of its callers.</summary>
    public async Task WriteAsync(IReadOnlyList<PendingWrite> group, CancellationToken cancellationToken)
    {
        try
        {
            switch (await records.InsertPendingGroupAsync(group.Select(w => w.File).ToList(), cancellationToken))
            {
                case GroupInsert.Stored:
                    foreach (var write in group)
                    {
                        write.Stored.TrySetResult(true);
                    }

                    break;
                case GroupInsert.Collided:
                    // A declared digest is PENDING already (perhaps twice in this very group), or a retried commit
                    // had landed: each alone learns whether it is stored.
                    await Task.WhenAll(group.Select(write => WriteAloneAsync(write, cancellationToken)));
                    break;
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning("A group of {Files} upload requests was not stored: {Message}", group.Count, ex.Message);
            foreach (var write in group)
            {
                // An exception of its own for each caller: one instance thrown on many threads would mix their stack traces.
                write.Stored.TrySetException(new GroupCommitFailedException(
                    $"The upload request was stored together with {group.Count - 1} others, and that write failed.", ex));
            }
        }
    }

    async Task WriteAloneAsync(PendingWrite write, CancellationToken cancellationToken)
    {
        try
        {
            write.Stored.TrySetResult(await records.InsertPendingAsync(write.File, cancellationToken) is not null);
        }
        catch (Exception ex)
        {
            write.Stored.TrySetException(new GroupCommitFailedException("The upload request was not stored.", ex));
        }
    }
}

/// <summary>A file waiting for its group's write, and how its caller learns the outcome.</summary>
public sealed record PendingWrite(FileRecord File)
{
    public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The write of an upload request's group failed: nothing of the request was stored (the API answers 503).</summary>
public sealed class GroupCommitFailedException(string message, Exception? innerException) : Exception(message, innerException);
