using System.Net;
using System.Net.Http.Json;
using Uploads.AppHost.Dashboard;

namespace Uploads.Tests.Fixtures;

/// <summary>Reads the AppHost dashboard's JSON API: what its OTLP receiver got from the services, and the resources.</summary>
public sealed class DashboardClient(HttpClient dashboard) : IDisposable
{
    public Uri Url => dashboard.BaseAddress!;

    public async Task<TraceView?> TraceAsync(string traceId)
    {
        using var response = await dashboard.GetAsync($"/api/traces/{traceId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<TraceView>();
    }

    /// <summary>
    /// Waits until the trace is whole: each service exports its spans as they end, every second, so the trace is complete
    /// once the span that ends last in each has arrived (the API's request, the worker's receive).
    /// </summary>
    public async Task<TraceView> WholeTraceAsync(string traceId) => (await Eventually.MatchesAsync(
        () => TraceAsync(traceId),
        trace => trace is not null
            && trace.Spans.Any(s => s.Kind == "Server")
            && trace.Spans.Any(s => s.Kind == "Consumer" && s.Name.EndsWith(" receive", StringComparison.Ordinal)),
        $"trace {traceId} to reach the dashboard with the API's and the worker's spans"))!;

    /// <summary>Spans named <paramref name="name"/> that mention <paramref name="search"/> (a file id, say), across every trace that holds one.</summary>
    public async Task<IReadOnlyList<SpanView>> SpansAsync(string name, string search)
    {
        var summaries = await dashboard.GetFromJsonAsync<List<TraceSummary>>($"/api/traces?limit=100&span={Uri.EscapeDataString(name)}&search={Uri.EscapeDataString(search)}") ?? [];
        var spans = new List<SpanView>();
        foreach (var summary in summaries)
        {
            if (await TraceAsync(summary.TraceId) is { } trace)
            {
                spans.AddRange(trace.Spans.Where(s => s.Name == name && s.Attributes.Values.Any(v => v.Contains(search, StringComparison.OrdinalIgnoreCase))));
            }
        }

        return spans;
    }

    /// <summary>The newest logs of every service, newest first.</summary>
    public async Task<IReadOnlyList<LogView>> LogsAsync(int limit = 5000) =>
        await dashboard.GetFromJsonAsync<List<LogView>>($"/api/logs?limit={limit}") ?? [];

    public async Task<IReadOnlyList<MetricView>> MetricsAsync() =>
        await dashboard.GetFromJsonAsync<List<MetricView>>("/api/metrics") ?? [];

    /// <summary>
    /// The metrics once each of <paramref name="services"/> has exported after this moment: each export carries every
    /// series' cumulative total, so what happened before now is in them, whatever was still on its way. (Series left by
    /// a process a test killed stay as they were, so they change no difference.)
    /// </summary>
    public async Task<IReadOnlyList<MetricView>> SettledMetricsAsync(IEnumerable<string> services)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var names = services.ToList();
        return await Eventually.MatchesAsync(
            MetricsAsync,
            all => names.All(service => all.Any(m => m.Service == service && m.Points.Any(p => p.TimeMs > now))),
            $"{string.Join(", ", names)} to export their metrics once more");
    }

    /// <summary>The sum of a metric's series of <paramref name="service"/> that carry every one of <paramref name="attributes"/>.</summary>
    public static double Total(IReadOnlyList<MetricView> metrics, string service, string name, params (string Key, string Value)[] attributes) =>
        metrics.Where(m => m.Service == service && m.Name == name)
            .SelectMany(m => m.Points)
            .Where(p => attributes.All(a => p.Attributes.GetValueOrDefault(a.Key) == a.Value))
            .Sum(p => p.Value ?? 0);

    public async Task<IReadOnlyList<ResourceView>> ResourcesAsync() =>
        await dashboard.GetFromJsonAsync<List<ResourceView>>("/api/resources") ?? [];

    public void Dispose() => dashboard.Dispose();
}
