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
