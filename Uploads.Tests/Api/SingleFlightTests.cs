using Uploads.Api.Uploads;

namespace Uploads.Tests.Api;

public sealed class SingleFlightTests
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Overlapping_calls_for_one_key_share_one_run_and_only_the_first_owns_it()
    {
        var flight = new SingleFlight<string, int>();
        var release = new TaskCompletionSource<int>();
        var runs = 0;
        Task<int> Work(CancellationToken _)
        {
            Interlocked.Increment(ref runs);
            return release.Task;
        }

        var first = flight.RunAsync("file-1", Work, CancellationToken.None);
        var second = flight.RunAsync("file-1", Work, CancellationToken.None);
        release.SetResult(42);

        Assert.Equal((42, false), await first.WaitAsync(Patience));
        Assert.Equal((42, true), await second.WaitAsync(Patience));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Calls_for_different_keys_each_run()
    {
        var flight = new SingleFlight<string, string>();
        var release = new TaskCompletionSource();
        async Task<string> Work(string key, CancellationToken ct)
        {
            await release.Task.WaitAsync(ct);
            return key;
        }

        var first = flight.RunAsync("file-1", ct => Work("file-1", ct), CancellationToken.None);
        var second = flight.RunAsync("file-2", ct => Work("file-2", ct), CancellationToken.None);
        release.SetResult();

        Assert.Equal(("file-1", false), await first.WaitAsync(Patience));
        Assert.Equal(("file-2", false), await second.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_call_after_the_run_ended_runs_again()
    {
        var flight = new SingleFlight<string, int>();
        var runs = 0;

        await flight.RunAsync("file-1", _ => Task.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);
        var (result, joined) = await flight.RunAsync("file-1", _ => Task.FromResult(Interlocked.Increment(ref runs)), CancellationToken.None);

        Assert.Equal(2, result);
        Assert.False(joined);
    }

    [Fact]
    public async Task A_joiner_runs_the_work_itself_when_the_first_run_fails_and_the_failure_stays_with_its_caller()
    {
        var flight = new SingleFlight<string, string>();
        var release = new TaskCompletionSource<string>();

        var first = flight.RunAsync("file-1", _ => release.Task, CancellationToken.None);
        var second = flight.RunAsync("file-1", _ => Task.FromResult("the joiner's own"), CancellationToken.None);
        release.SetException(new TimeoutException("storage did not answer"));

        await Assert.ThrowsAsync<TimeoutException>(() => first.WaitAsync(Patience));
        Assert.Equal(("the joiner's own", false), await second.WaitAsync(Patience));
    }

    [Fact]
    public async Task The_first_callers_cancellation_does_not_cancel_a_joiner()
    {
        var flight = new SingleFlight<string, string>();
        using var firstCaller = new CancellationTokenSource();

        var first = flight.RunAsync("file-1", async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        }, firstCaller.Token);
        var second = flight.RunAsync("file-1", _ => Task.FromResult("the joiner's own"), CancellationToken.None);
        await firstCaller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience));
        Assert.Equal(("the joiner's own", false), await second.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_joiner_that_gives_up_leaves_the_first_run_alone()
    {
        var flight = new SingleFlight<string, int>();
        var release = new TaskCompletionSource<int>();
        using var joiner = new CancellationTokenSource();

        var first = flight.RunAsync("file-1", _ => release.Task, CancellationToken.None);
        var second = flight.RunAsync("file-1", _ => Task.FromResult(-1), joiner.Token);
        await joiner.CancelAsync();
        release.SetResult(42);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(Patience));
        Assert.Equal((42, false), await first.WaitAsync(Patience));
    }
}
