namespace Uploads.AppHost.Dashboard;

/// <summary>
/// What the services sent, in memory and bounded: the latest traces, the latest structured logs, and the latest point
/// of every metric series. A development tool's memory, not a telemetry backend: a restart of the AppHost forgets it.
/// </summary>
public sealed class TelemetryStore(int maxTraces = 2000, int maxLogs = 10_000)
{
    readonly Dictionary<string, List<SpanView>> traces = [];
    readonly Queue<string> traceOrder = new();
    readonly Queue<LogView> logs = new();
    readonly Dictionary<(string Service, string Name), MetricView> metrics = [];
    readonly Lock gate = new();

    public void AddSpans(IEnumerable<SpanView> spans)
    {
        lock (gate)
        {
            foreach (var span in spans)
            {
                if (!traces.TryGetValue(span.TraceId, out var trace))
                {
                    trace = [];
                    traces[span.TraceId] = trace;
                    traceOrder.Enqueue(span.TraceId);
                    if (traceOrder.Count > maxTraces)
                    {
                        traces.Remove(traceOrder.Dequeue());
                    }
                }

                trace.Add(span);
            }
        }
    }

    public void AddLogs(IEnumerable<LogView> records)
    {
        lock (gate)
        {
            foreach (var record in records)
            {
                logs.Enqueue(record);
                if (logs.Count > maxLogs)
                {
                    logs.Dequeue();
                }
            }
        }
    }

    /// <summary>Keeps, per series, the point exported last: the SDK exports cumulative values, so the last is the total.</summary>
    public void AddMetrics(IEnumerable<MetricView> exported)
    {
        lock (gate)
        {
            foreach (var metric in exported)
            {
                var key = (metric.Service, metric.Name);
                if (metrics.TryGetValue(key, out var known))
                {
                    var points = known.Points.ToDictionary(SeriesKey);
                    foreach (var point in metric.Points)
                    {
                        points[SeriesKey(point)] = point;
                    }

                    metrics[key] = metric with { Points = [.. points.Values] };
                }
                else
                {
                    metrics[key] = metric;
                }
            }
        }

        static string SeriesKey(MetricPointView point) =>
            string.Join(',', point.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
    }

    /// <summary>
    /// The newest traces first, optionally only those with a span of <paramref name="service"/>, and a span (named
    /// <paramref name="span"/>, when given) that mentions <paramref name="search"/>.
    /// </summary>
    public IReadOnlyList<TraceSummary> Traces(int limit, string? service = null, string? search = null, string? span = null)
    {
        lock (gate)
        {
            return [.. traceOrder.Reverse()
                .Select(id => traces[id])
                .Where(spans => service is null || spans.Any(s => s.Service == service))
                .Where(spans => (search is null && span is null) || spans.Any(s => (span is null || s.Name == span) && (search is null || Mentions(s, search))))
                .Take(limit)
                .Select(Summarize)];
        }
    }

    public TraceView? Trace(string traceId)
    {
        lock (gate)
        {
            if (!traces.TryGetValue(traceId, out var spans))
            {
                return null;
            }

            return new TraceView(
                traceId,
                [.. spans.OrderBy(s => s.StartMs)],
                [.. logs.Where(l => l.TraceId == traceId).OrderBy(l => l.TimeMs)]);
        }
    }

    public IReadOnlyList<LogView> Logs(int limit, string? service = null, string? traceId = null)
    {
        lock (gate)
        {
            return [.. logs.Reverse()
                .Where(l => service is null || l.Service == service)
                .Where(l => traceId is null || l.TraceId == traceId)
                .Take(limit)];
        }
    }

    public IReadOnlyList<MetricView> Metrics()
    {
        lock (gate)
        {
            return [.. metrics.Values.OrderBy(m => m.Service, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal)];
        }
    }

    static bool Mentions(SpanView span, string search) =>
        span.TraceId.Equals(search, StringComparison.OrdinalIgnoreCase)
        || span.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
        || span.Attributes.Values.Any(value => value.Contains(search, StringComparison.OrdinalIgnoreCase));

    static TraceSummary Summarize(List<SpanView> spans)
    {
        var spanIds = spans.Select(s => s.SpanId).ToHashSet();
        // The root is the span whose parent did not reach us (none, or another process's that has not exported yet).
        var root = spans.Where(s => s.ParentSpanId is null || !spanIds.Contains(s.ParentSpanId)).MinBy(s => s.StartMs) ?? spans[0];
        var start = spans.Min(s => s.StartMs);
        var end = spans.Max(s => s.StartMs + s.DurationMs);
        return new TraceSummary(
            root.TraceId,
            $"{root.Service}: {root.Name}",
            [.. spans.Select(s => s.Service).Distinct().Order(StringComparer.Ordinal)],
            spans.Count,
            start,
            end - start,
            spans.Any(s => s.Status == "Error"));
    }
}
