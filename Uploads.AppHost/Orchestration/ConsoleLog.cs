namespace Uploads.AppHost.Orchestration;

/// <summary>
/// The console output of a resource across its restarts, bounded to the last lines, numbered so that a reader can
/// ask for what came after the line it saw last and wait for more.
/// </summary>
public sealed class ConsoleLog(int capacity = 2000)
{
    readonly Queue<ConsoleLine> lines = new();
    TaskCompletionSource appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    long next;

    public void Append(string text)
    {
        TaskCompletionSource wake;
        lock (lines)
        {
            lines.Enqueue(new ConsoleLine(next++, DateTimeOffset.UtcNow, text));
            if (lines.Count > capacity)
            {
                lines.Dequeue();
            }

            wake = appended;
            appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>The lines numbered <paramref name="after"/> + 1 and on that are still kept.</summary>
    public IReadOnlyList<ConsoleLine> After(long after)
    {
        lock (lines)
        {
            return [.. lines.Where(line => line.Number > after)];
        }
    }

    /// <summary>Yields the kept lines after <paramref name="after"/>, then every new line as it comes, until cancelled.</summary>
    public async IAsyncEnumerable<ConsoleLine> FollowAsync(long after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Taken before the lines: a line appended in between is in this batch and also wakes the next wait.
            Task more;
            lock (lines)
            {
                more = appended.Task;
            }

            foreach (var line in After(after))
            {
                after = line.Number;
                yield return line;
            }

            await more.WaitAsync(cancellationToken);
        }
    }
}
