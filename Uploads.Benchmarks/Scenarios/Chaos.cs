using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Uploads.Tests.Fixtures;

namespace Uploads.Benchmarks.Scenarios;

/// <summary>One phase's files: how many were confirmed, how they ended, and SYNCED files per second until the last settled.</summary>
public sealed record ChaosPhase(int Confirmed, int Synced, int Failed, int Unsettled, double FilesPerSecond);

/// <summary>A calm phase and a phase of faults in the same run, and the faults made.</summary>
public sealed record ChaosRun(int Seed, ChaosPhase Calm, ChaosPhase UnderFaults, int FaultsInjected)
{
    public double Ratio => UnderFaults.FilesPerSecond / Calm.FilesPerSecond;
}

public static class Chaos
{
    const int FileBytes = 64 * 1024;
    const int Lanes = 8;
    static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Files flow for as long as one round of every fault takes (about a minute), after a calm phase of the same
    /// load: files/s under faults is compared with files/s without them, in the same run on the same stack.
    /// </summary>
    public static async Task<ChaosRun> RunAsync(Target target, int seed, TimeSpan calm, Action<double> progress)
    {
        var calmPhase = await PhaseAsync(target.Client, () => Task.Delay(calm));
        progress(0.3);
        var monkey = target.Monkey(seed);
        var faultPhase = await PhaseAsync(target.Client, () => monkey.RunAsync(rounds: 1));
        progress(1);
        return new ChaosRun(seed, calmPhase, faultPhase, monkey.Injected.Values.Sum());
    }

    static async Task<ChaosPhase> PhaseAsync(BenchmarkClient client, Func<Task> during)
    {
        var content = RandomNumberGenerator.GetBytes(FileBytes);
        var confirmed = new ConcurrentBag<Guid>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var lanes = Parallel.ForEachAsync(Enumerable.Range(0, Lanes), async (_, _) =>
        {
            while (!stop.IsCancellationRequested)
            {
                confirmed.Add(await OneFileAsync(client, content));
            }
        });

        await during();
        await stop.CancelAsync();
        await lanes;

        var statuses = await SettleAsync(client, [.. confirmed]);
        var synced = statuses.Count(s => s == "SYNCED");
        return new ChaosPhase(confirmed.Count, synced, statuses.Count(s => s == "FAILED"), statuses.Count(s => s is not ("SYNCED" or "FAILED")),
            synced / clock.Elapsed.TotalSeconds);
    }

    static async Task<Guid> OneFileAsync(BenchmarkClient client, byte[] content)
    {
        var ticket = await RetryAsync(() => client.RequestUploadAsync("chaos.bin", content.Length, CancellationToken.None));
        var fileId = Guid.Parse(ticket["file_id"]!.GetValue<string>());
        await client.UploadAsync(ticket, new ByteArrayContent(content), CancellationToken.None);
        await RetryAsync(async () =>
        {
            await client.ConfirmAsync(fileId, content.Length, CancellationToken.None);
            return true;
        });
        return fileId;
    }

    /// <summary>Looks at every file until each is settled or the time is up; the phase's clock runs until then.</summary>
    static async Task<IReadOnlyList<string>> SettleAsync(BenchmarkClient client, IReadOnlyList<Guid> files)
    {
        var statuses = new string[files.Count];
        using var deadline = new CancellationTokenSource(SettleTimeout);
        for (var i = 0; i < files.Count; i++)
        {
            while (true)
            {
                statuses[i] = await RetryAsync(() => client.GetStatusAsync(files[i], CancellationToken.None));
                if (statuses[i] is "SYNCED" or "FAILED" or "EXPIRED" || deadline.IsCancellationRequested)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
        }

        return statuses;
    }

    /// <summary>What a client does while a dependency is out: the API answered 503, or could not be reached; again shortly.</summary>
    static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is HttpRequestException { StatusCode: null or System.Net.HttpStatusCode.ServiceUnavailable } or TaskCanceledException
                && !deadline.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
        }
    }
}
