using System.Collections.Concurrent;

namespace Uploads.Api.Uploads;

/// <summary>
/// Calls for the same key that overlap share one run of the work: the first caller's. A caller that joins never takes on
/// the first caller's failure or cancellation: it then runs the work itself.
/// </summary>
public sealed class SingleFlight<TKey, TResult> where TKey : notnull
{
    readonly ConcurrentDictionary<TKey, Task<(bool Succeeded, TResult Result)>> running = new();

    /// <returns>The result, and whether it came from another caller's run.</returns>
    public async Task<(TResult Result, bool Joined)> RunAsync(TKey key, Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        var mine = new TaskCompletionSource<(bool Succeeded, TResult Result)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = running.GetOrAdd(key, mine.Task);
        if (current != mine.Task)
        {
            var (succeeded, shared) = await current.WaitAsync(cancellationToken);
            return succeeded ? (shared, true) : (await work(cancellationToken), false);
        }

        // Joiners learn only whether the run succeeded: an exception is the first caller's alone, never thrown on their threads too.
        var outcome = (Succeeded: false, Result: default(TResult)!);
        try
        {
            outcome = (true, await work(cancellationToken));
            return (outcome.Result, false);
        }
        finally
        {
            running.TryRemove(new(key, mine.Task));
            mine.SetResult(outcome);
        }
    }
}
