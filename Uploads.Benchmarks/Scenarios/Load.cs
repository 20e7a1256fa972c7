using System.Diagnostics;

namespace Uploads.Benchmarks.Scenarios;

public static class Load
{
    /// <summary>Closed loop: <paramref name="concurrency"/> callers, each calling again as soon as it has an answer.</summary>
    public static async Task<(double PerSecond, Latencies Latencies)> SaturateAsync(
        Func<CancellationToken, Task> call, int concurrency, TimeSpan duration, Action<double> progress)
    {
        var latencies = new Latencies();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var started = clock.Elapsed;
                await call(CancellationToken.None);
                latencies.Add(clock.Elapsed - started);
                progress(Math.Min(1, clock.Elapsed / duration));
            }
        }));
        return (latencies.Count / clock.Elapsed.TotalSeconds, latencies);
    }

    /// <summary>
    /// Open loop: one call every 1/<paramref name="perSecond"/> s whatever the answers, each timed from when it was due,
    /// so that a slow answer delays nothing and queueing shows in the latency instead of hiding it.
    /// </summary>
    public static async Task<Latencies> AtRateAsync(
        Func<CancellationToken, Task<TimeSpan?>> call, double perSecond, TimeSpan duration, Action<double> progress)
    {
        var latencies = new Latencies();
        var clock = Stopwatch.StartNew();
        var count = (int)(perSecond * duration.TotalSeconds);
        var calls = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            calls.Add(Task.Run(async () =>
            {
                // A call may report its own latency (confirm → SYNCED); else it is measured from its due time.
                var measured = await call(CancellationToken.None);
                latencies.Add(measured ?? clock.Elapsed - due);
            }));
            progress((double)i / count);
        }

        await Task.WhenAll(calls);
        return latencies;
    }
}
