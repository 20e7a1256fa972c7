namespace Uploads.Benchmarks;

/// <summary>The median of repeated runs of a scenario and the range they spanned: one run on a shared machine is noise.</summary>
public readonly record struct Spread(double Median, double[] Range)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return new Spread(sorted[sorted.Length / 2], [sorted[0], sorted[^1]]);
    }

    /// <summary>The run whose <paramref name="figure"/> is the median: its other figures (latencies) are reported with it.</summary>
    public static T MedianRun<T>(IReadOnlyList<T> runs, Func<T, double> figure) => runs.OrderBy(figure).ElementAt(runs.Count / 2);
}
