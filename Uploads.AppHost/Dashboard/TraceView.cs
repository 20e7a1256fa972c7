namespace Uploads.AppHost.Dashboard;

public sealed record TraceView(string TraceId, IReadOnlyList<SpanView> Spans, IReadOnlyList<LogView> Logs);
