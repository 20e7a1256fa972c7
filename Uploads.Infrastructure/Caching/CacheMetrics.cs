using System.Diagnostics.Metrics;

namespace Uploads.Infrastructure.Caching;

/// <summary>How the content cache is doing: hits and misses on reads, and writes or reads lost to an unreachable Redis.</summary>
public sealed class CacheMetrics
{
    public const string MeterName = "Uploads.Cache";
    readonly Counter<long> hits;
    readonly Counter<long> misses;
    readonly Counter<long> unavailable;

    public CacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        hits = meter.CreateCounter<long>("uploads.cache.hits", description: "Content reads served from Redis.");
        misses = meter.CreateCounter<long>("uploads.cache.misses", description: "Content reads served from storage.");
        unavailable = meter.CreateCounter<long>("uploads.cache.unavailable", description: "Cache operations skipped because Redis did not answer.");
    }

    public void Hit() => hits.Add(1);
    public void Miss() => misses.Add(1);
    public void Unavailable(string operation) => unavailable.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
