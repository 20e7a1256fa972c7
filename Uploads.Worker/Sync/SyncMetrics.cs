using System.Diagnostics.Metrics;

namespace Uploads.Worker.Sync;

/// <summary>How syncs go: how long each took and how many bytes it hashed, by outcome (synced or failed).</summary>
public sealed class SyncMetrics
{
    public const string MeterName = "Uploads.Sync";
    readonly Histogram<double> duration;
    readonly Histogram<long> bytesHashed;

    public SyncMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        duration = meter.CreateHistogram<double>(
            "uploads.sync.duration", unit: "s", description: "Time from claiming a file to settling it.");
        bytesHashed = meter.CreateHistogram<long>(
            "uploads.sync.bytes_hashed", unit: "By", description: "Bytes read from storage and hashed by one sync.");
    }

    public void Record(TimeSpan elapsed, long bytes, string outcome)
    {
        var tag = new KeyValuePair<string, object?>("uploads.sync.outcome", outcome);
        duration.Record(elapsed.TotalSeconds, tag);
        bytesHashed.Record(bytes, tag);
    }
}
