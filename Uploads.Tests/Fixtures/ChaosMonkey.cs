using System.Collections.Concurrent;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// Makes one fault after another, on every link and process, until told to stop: each proxy refuses, black-holes or
/// delays for a second or three, a worker is killed and started again, the broker is restarted. Each round makes every
/// kind once, in a shuffled order; the seed makes a run repeatable.
/// </summary>
/// <param name="longestHold">How long a fault may last; each lasts a third of this or more, with a pause of a sixth to a half of it after.</param>
public sealed class ChaosMonkey(LocalStack stack, int seed, TimeSpan? longestHold = null)
{
    readonly int longestHoldMs = (int)(longestHold ?? TimeSpan.FromSeconds(3)).TotalMilliseconds;
    readonly Random random = new(seed);
    readonly ConcurrentDictionary<string, int> injected = new();

    public int Seed => seed;

    /// <summary>How many kinds of fault a round makes.</summary>
    public int Kinds => Faults().Count;

    /// <summary>Faults made so far, by kind.</summary>
    public IReadOnlyDictionary<string, int> Injected => injected;

    /// <summary>Every kind of fault <paramref name="rounds"/> times; everything passes again at the end.</summary>
    public async Task RunAsync(int rounds)
    {
        var faults = Faults();
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, fault) in faults.OrderBy(_ => random.Next()).ToList())
                {
                    await fault(TimeSpan.FromMilliseconds(random.Next(longestHoldMs / 3, longestHoldMs)));
                    injected.AddOrUpdate(name, 1, (_, n) => n + 1);
                    await Task.Delay(TimeSpan.FromMilliseconds(random.Next(longestHoldMs / 6, longestHoldMs / 2)), CancellationToken.None);
                }
            }
        }
        finally
        {
            foreach (var proxy in stack.Proxies!.All)
            {
                proxy.Set(FaultMode.Pass);
            }
        }
    }

    IReadOnlyList<(string Name, Func<TimeSpan, Task> Make)> Faults()
    {
        var faults = new List<(string, Func<TimeSpan, Task>)>();
        foreach (var proxy in stack.Proxies!.All)
        {
            faults.Add(($"{proxy.Name} refused", hold => Hold(proxy, FaultMode.Refuse, hold)));
            faults.Add(($"{proxy.Name} black-holed", hold => Hold(proxy, FaultMode.BlackHole, hold)));
            faults.Add(($"{proxy.Name} delayed", async hold =>
            {
                proxy.Delay(TimeSpan.FromMilliseconds(random.Next(20, 200)));
                await Task.Delay(hold, CancellationToken.None);
                proxy.Set(FaultMode.Pass);
            }));
        }

        faults.Add(("worker killed", async _ =>
        {
            var worker = stack.Resources.Workers[random.Next(stack.Resources.Workers.Count)];
            await stack.KillAsync(worker);
            await stack.StartAsync([worker]);
        }));
        faults.Add(("broker restarted", async _ =>
        {
            await stack.StopAsync(stack.Resources.Messaging);
            await stack.StartAsync([stack.Resources.Messaging]);
        }));
        return faults;
    }

    static async Task Hold(FaultProxy proxy, FaultMode mode, TimeSpan hold)
    {
        proxy.Set(mode);
        await Task.Delay(hold, CancellationToken.None);
        proxy.Set(FaultMode.Pass);
    }
}
