namespace Uploads.AppHost.Dashboard;

public sealed record LogView(
    double TimeMs,
    string Service,
    string Severity,
    string Category,
    string Message,
    string? TraceId,
    string? SpanId,
    IReadOnlyDictionary<string, string> Attributes);
