using Uploads.Tests.Fixtures;

namespace Uploads.Benchmarks;

/// <summary>
/// Samples a process's private (anonymous) memory every 50 ms while a scenario runs and keeps the highest, with the
/// file-backed pages at that moment: the kernel keeps a peak of the whole working set only (VmHWM), not of its parts.
/// </summary>
public sealed class PrivateMemory : IAsyncDisposable
{
    const double MiB = 1024 * 1024;
    readonly CancellationTokenSource stop = new();
    readonly Task<(long Private, long FileBacked)> sampling;

    PrivateMemory(int processId)
    {
        var atStart = ProcessMemory.Split(processId);
        AtStartMegabytes = atStart.Private / MiB;
        sampling = SampleAsync(processId, atStart, stop.Token);
    }

    /// <summary>
    /// The private memory when the watch began: what the process held from earlier work (a heap grown under an earlier
    /// scenario's load is kept until its collector needs to shrink it), apart from what this scenario added.
    /// </summary>
    public double AtStartMegabytes { get; }

    /// <summary>Starts sampling <paramref name="processId"/>; nothing when there is no process to watch (a remote target).</summary>
    public static PrivateMemory? Watch(int? processId) => processId is { } id ? new PrivateMemory(id) : null;

    /// <summary>Stops sampling: the highest private memory seen, and the file-backed memory then, in MiB.</summary>
    public async Task<(double PrivateMegabytes, double FileBackedMegabytes)> StopAsync()
    {
        await stop.CancelAsync();
        var (highest, fileBacked) = await sampling;
        return (highest / MiB, fileBacked / MiB);
    }

    static async Task<(long Private, long FileBacked)> SampleAsync(int processId, (long Private, long FileBacked) atStart, CancellationToken cancellationToken)
    {
        var highest = atStart;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = ProcessMemory.Split(processId);
                if (now.Private > highest.Private)
                {
                    highest = now;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return highest;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }
}
