using Microsoft.Extensions.Options;

namespace Uploads.Api.Events;

/// <summary>Counts each tenant's open event streams against <see cref="EventStreamOptions.MaxStreamsPerTenant"/>.</summary>
public sealed class EventStreamSlots(IOptions<EventStreamOptions> options)
{
    readonly Dictionary<string, int> open = [];
    readonly Lock gate = new();

    public int MaxPerTenant => options.Value.MaxStreamsPerTenant;

    /// <summary>A slot for one more stream of <paramref name="tenantId"/>, given back when disposed; null when the tenant has none left.</summary>
    public IDisposable? TryTake(string tenantId)
    {
        lock (gate)
        {
            var count = open.GetValueOrDefault(tenantId);
            if (count >= MaxPerTenant)
            {
                return null;
            }

            open[tenantId] = count + 1;
        }

        return new Slot(this, tenantId);
    }

    void Give(string tenantId)
    {
        lock (gate)
        {
            if (open.GetValueOrDefault(tenantId) <= 1)
            {
                open.Remove(tenantId);
            }
            else
            {
                open[tenantId]--;
            }
        }
    }

    sealed class Slot(EventStreamSlots slots, string tenantId) : IDisposable
    {
        int given;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref given, 1) == 0)
            {
                slots.Give(tenantId);
            }
        }
    }
}
