using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Uploads.Api.Events;

namespace Uploads.Api.Batches;

/// <summary>
/// A batch's progress as server-sent events: where it stands first, then again whenever a file of the tenant moved and the
/// batch's figures changed, until every file of the batch settled.
/// </summary>
public sealed class BatchEvents(BatchCatalog catalog, TransitionNotifications notifications)
{
    /// <summary>The most progress reads one stream makes per second, however many files move: a notice only says "look again".</summary>
    static readonly TimeSpan ReadInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The batch's progress events; null when the tenant has no such batch.</summary>
    public async Task<IAsyncEnumerable<SseItem<BatchView>>?> OpenAsync(string tenantId, Guid batchId, CancellationToken cancellationToken)
    {
        // Watch before reading, so that a transition between the read and the first wait is not missed.
        var watch = notifications.WatchAll();
        try
        {
            if (await catalog.DescribeAsync(tenantId, batchId, cancellationToken) is not { } first)
            {
                watch.Dispose();
                return null;
            }

            return StreamAsync(tenantId, batchId, first, watch, cancellationToken);
        }
        catch
        {
            watch.Dispose();
            throw;
        }
    }

    async IAsyncEnumerable<SseItem<BatchView>> StreamAsync(
        string tenantId, Guid batchId, BatchView current, TransitionNotifications.Watch watch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (watch)
        {
            yield return new SseItem<BatchView>(current, "progress");
            while (current.Status == Domain.Batches.BatchStatus.InProgress)
            {
                await watch.WaitForChangeAsync(cancellationToken);
                await Task.Delay(ReadInterval, cancellationToken);
                var next = await catalog.DescribeAsync(tenantId, batchId, cancellationToken);
                if (next is null)
                {
                    yield break;
                }

                if (next with { TraceId = current.TraceId } != current)
                {
                    current = next;
                    yield return new SseItem<BatchView>(current, "progress");
                }
            }
        }
    }
}
