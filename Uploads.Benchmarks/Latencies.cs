namespace Uploads.Benchmarks;

/// <summary>Latencies of one run, in milliseconds, and their percentiles.</summary>
public sealed class Latencies
{
    readonly List<double> samples = [];

    public int Count { get { lock (samples) { return samples.Count; } } }

    public void Add(TimeSpan latency)
    {
        lock (samples)
        {
            samples.Add(latency.TotalMilliseconds);
        }
    }

    public double Percentile(double p)
    {
        lock (samples)
        {
            if (samples.Count == 0)
            {
                return double.NaN;
            }

            var sorted = samples.Order().ToList();
            return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }
}
