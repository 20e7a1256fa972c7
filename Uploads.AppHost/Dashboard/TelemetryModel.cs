namespace Uploads.AppHost.Dashboard;

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

public sealed record TraceSummary(
    string TraceId, string Name, IReadOnlyList<string> Services, int SpanCount, double StartMs, double DurationMs, bool HasError);

public sealed record TraceView(string TraceId, IReadOnlyList<SpanView> Spans, IReadOnlyList<LogView> Logs);

public sealed record LogView(
    double TimeMs,
    string Service,
    string Severity,
    string Category,
    string Message,
    string? TraceId,
    string? SpanId,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>The latest value of one series: a sum or gauge's value, or a histogram's count, sum, min and max.</summary>
public sealed record MetricPointView(
    IReadOnlyDictionary<string, string> Attributes, double? Value, ulong? Count, double? Sum, double? Min, double? Max, double TimeMs);

public sealed record MetricView(
    string Service, string Scope, string Name, string Description, string Unit, string Type, IReadOnlyList<MetricPointView> Points);
