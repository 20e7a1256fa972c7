namespace Uploads.Tests.Fixtures;

/// <summary>Waits for a condition, checking it again and again until it holds or the time is up. Never a fixed sleep.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> MatchesAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        T last = await read();
        while (!condition(last))
        {
            try
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting for {what}. Last seen: {Describe(last)}");
            }

            last = await read();
        }

        return last;
    }

    static string? Describe<T>(T value) => value is System.Collections.IEnumerable items and not string
        ? $"[{string.Join(", ", items.Cast<object?>())}]"
        : value?.ToString();

    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        MatchesAsync(condition, holds => holds, what, timeout);
}
