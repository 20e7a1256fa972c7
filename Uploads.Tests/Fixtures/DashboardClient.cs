using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Uploads.Tests.Fixtures;

/// <summary>
/// Reads what Aspire's dashboard received from the services through its telemetry API (<c>/api/telemetry/…</c>,
/// OTLP JSON), and their metrics from the tests' <see cref="MetricsCollector"/>. A service is named as Aspire names
/// the replica: <c>api-nzvqnnaa</c>, <c>worker-ejwzjmkq</c>.
/// </summary>
public sealed class DashboardClient(HttpClient dashboard, MetricsCollector metrics) : IDisposable
{
    public Uri Url => dashboard.BaseAddress!;

    public async Task<TraceView?> TraceAsync(string traceId)
    {
        using var response = await dashboard.GetAsync($"/api/telemetry/traces/{traceId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var spans = ReadSpans(await response.Content.ReadAsStringAsync());
        return new TraceView(traceId, spans, await LogsAsync($"traceId={traceId}&limit=1000"));
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

    /// <summary>Spans named <paramref name="name"/> that mention <paramref name="search"/> (a file id, say), among the newest the dashboard holds.</summary>
    public async Task<IReadOnlyList<SpanView>> SpansAsync(string name, string search)
    {
        var spans = ReadSpans(await dashboard.GetStringAsync("/api/telemetry/spans?limit=5000"));
        return [.. spans.Where(s => s.Name == name && s.Attributes.Values.Any(v => v.Contains(search, StringComparison.OrdinalIgnoreCase)))];
    }

    /// <summary>The newest logs of every service.</summary>
    public Task<IReadOnlyList<LogView>> LogsAsync(int limit = 5000) => LogsAsync($"limit={limit}");

    async Task<IReadOnlyList<LogView>> LogsAsync(string query)
    {
        using var response = await dashboard.GetAsync($"/api/telemetry/logs?{query}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. from resource in Items(document.RootElement.GetProperty("data"), "resourceLogs")
            let service = InstanceName(resource)
            from scope in Items(resource, "scopeLogs")
            from record in Items(scope, "logRecords")
            select new LogView(
                Milliseconds(record, "timeUnixNano"),
                service,
                record.TryGetProperty("severityText", out var severity) ? severity.GetString() ?? "" : "",
                scope.TryGetProperty("scope", out var scopeInfo) && scopeInfo.TryGetProperty("name", out var category) ? category.GetString() ?? "" : "",
                record.TryGetProperty("body", out var body) ? Text(body) : "",
                record.TryGetProperty("traceId", out var traceId) ? traceId.GetString() : null,
                record.TryGetProperty("spanId", out var spanId) ? spanId.GetString() : null,
                Attributes(record))];
    }

    public IReadOnlyList<MetricView> Metrics() => metrics.Metrics();

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
            () => Task.FromResult(Metrics()),
            all => names.All(service => all.Any(m => m.Service == service && m.Points.Any(p => p.TimeMs > now))),
            $"{string.Join(", ", names)} to export their metrics once more");
    }

    /// <summary>The sum of a metric's series of <paramref name="service"/> that carry every one of <paramref name="attributes"/>.</summary>
    public static double Total(IReadOnlyList<MetricView> metrics, string service, string name, params (string Key, string Value)[] attributes) =>
        metrics.Where(m => m.Service == service && m.Name == name)
            .SelectMany(m => m.Points)
            .Where(p => attributes.All(a => p.Attributes.GetValueOrDefault(a.Key) == a.Value))
            .Sum(p => p.Value ?? 0);

    static IReadOnlyList<SpanView> ReadSpans(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. from resource in Items(document.RootElement.GetProperty("data"), "resourceSpans")
            let service = InstanceName(resource)
            from scope in Items(resource, "scopeSpans")
            from span in Items(scope, "spans")
            let start = Milliseconds(span, "startTimeUnixNano")
            select new SpanView(
                span.GetProperty("traceId").GetString()!,
                span.GetProperty("spanId").GetString()!,
                span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } parentId ? parentId : null,
                span.GetProperty("name").GetString()!,
                service,
                Kind(span.TryGetProperty("kind", out var kind) ? kind.GetInt32() : 0),
                scope.TryGetProperty("scope", out var scopeInfo) && scopeInfo.TryGetProperty("name", out var scopeName) ? scopeName.GetString() ?? "" : "",
                start,
                Milliseconds(span, "endTimeUnixNano") - start,
                span.TryGetProperty("status", out var status) && status.TryGetProperty("code", out var code) ? StatusName(code.GetInt32()) : "Unset",
                span.TryGetProperty("status", out var statusText) && statusText.TryGetProperty("message", out var message) ? message.GetString() : null,
                Attributes(span))];
    }

    static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : [];

    static string InstanceName(JsonElement resource)
    {
        var attributes = resource.TryGetProperty("resource", out var inner) ? Attributes(inner) : [];
        return attributes.TryGetValue("service.instance.id", out var instance)
            ? $"{attributes.GetValueOrDefault("service.name")}-{instance}"
            : attributes.GetValueOrDefault("service.name", "unknown");
    }

    static Dictionary<string, string> Attributes(JsonElement owner) =>
        Items(owner, "attributes")
            .GroupBy(a => a.GetProperty("key").GetString()!)
            .ToDictionary(g => g.Key, g => g.Last().TryGetProperty("value", out var value) ? Text(value) : "");

    static string Text(JsonElement value)
    {
        foreach (var property in value.EnumerateObject())
        {
            return property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => property.Value.GetRawText(),
            };
        }

        return "";
    }

    static double Milliseconds(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var value) && ulong.TryParse(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
            ? nanoseconds / 1e6
            : 0;

    /// <summary>OTLP's span kinds: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.</summary>
    static string Kind(int kind) => kind switch
    {
        1 => "Internal",
        2 => "Server",
        3 => "Client",
        4 => "Producer",
        5 => "Consumer",
        _ => "Unspecified",
    };

    static string StatusName(int code) => code switch
    {
        1 => "Ok",
        2 => "Error",
        _ => "Unset",
    };

    public void Dispose() => dashboard.Dispose();
}

public sealed record TraceView(string TraceId, IReadOnlyList<SpanView> Spans, IReadOnlyList<LogView> Logs);

/// <summary>One span as the dashboard shows it; times in milliseconds since the Unix epoch.</summary>
public sealed record SpanView(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Service,
    string Kind,
    string Scope,
    double StartMs,
    double DurationMs,
    string Status,
    string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes);

public sealed record LogView(
    double TimeMs,
    string Service,
    string Severity,
    string Category,
    string Message,
    string? TraceId,
    string? SpanId,
    IReadOnlyDictionary<string, string> Attributes);
