using System.Threading.Channels;

namespace Uploads.Api.Uploads;

/// <summary>
/// Group commit: the writes that arrive while a group is being written wait for the next one, and each group (up to
/// <c>maxWrites</c>) goes to the database together: one round trip and one commit for many callers. No timer holds a
/// lone write back, and <c>writers</c> groups may be under way at once. <see cref="WriteGroupAsync"/> answers each caller
/// of its group; when it throws, every caller it left unanswered fails with <see cref="GroupCommitFailedException"/>.
/// </summary>
public abstract class GroupCommit<TItem, TResult>(int maxWrites, int writers, ILogger logger) : BackgroundService
{
    readonly Channel<GroupedWrite<TItem, TResult>> waiting = Channel.CreateUnbounded<GroupedWrite<TItem, TResult>>();

    /// <summary>Writes <paramref name="item"/> with the next group; the task ends when the group's write has.</summary>
    protected Task<TResult> WriteWithNextGroupAsync(TItem item)
    {
        var write = new GroupedWrite<TItem, TResult>(item);
        return waiting.Writer.TryWrite(write)
            ? write.Outcome.Task
            : Task.FromException<TResult>(new GroupCommitFailedException("The API is shutting down.", innerException: null));
    }

    /// <summary>Writes one group and answers each of its callers, with a result or an exception.</summary>
    protected abstract Task WriteGroupAsync(IReadOnlyList<GroupedWrite<TItem, TResult>> group, CancellationToken cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, writers).Select(_ => WriteGroupsAsync(stoppingToken)));

    async Task WriteGroupsAsync(CancellationToken stoppingToken)
    {
        var group = new List<GroupedWrite<TItem, TResult>>(maxWrites);
        try
        {
            while (await waiting.Reader.WaitToReadAsync(stoppingToken))
            {
                while (group.Count < maxWrites && waiting.Reader.TryRead(out var write))
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
                abandoned.Outcome.TrySetException(new GroupCommitFailedException("The API stopped before this write was made.", innerException: null));
            }
        }
    }

    /// <summary>Writes one group, and answers each of its callers.</summary>
    public async Task WriteAsync(IReadOnlyList<GroupedWrite<TItem, TResult>> group, CancellationToken cancellationToken)
    {
        try
        {
            await WriteGroupAsync(group, cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning("A group of {Writes} writes ({GroupCommit}) failed: {Message}", group.Count, GetType().Name, ex.Message);
            foreach (var write in group)
            {
                // An exception of its own for each caller: one instance thrown on many threads would mix their stack traces.
                write.Outcome.TrySetException(new GroupCommitFailedException(
                    $"This write was made together with {group.Count - 1} others, and that write failed.", ex));
            }
        }
    }
}

/// <summary>A write waiting for its group, and how its caller learns the outcome.</summary>
public sealed record GroupedWrite<TItem, TResult>(TItem Item)
{
    public TaskCompletionSource<TResult> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The write of a group failed: nothing of the caller's write was made (the API answers 503).</summary>
public sealed class GroupCommitFailedException(string message, Exception? innerException) : Exception(message, innerException);
