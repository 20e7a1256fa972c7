namespace Uploads.AppHost.Dashboard;

public sealed record TraceSummary(
    string TraceId, string Name, IReadOnlyList<string> Services, int SpanCount, double StartMs, double DurationMs, bool HasError);
