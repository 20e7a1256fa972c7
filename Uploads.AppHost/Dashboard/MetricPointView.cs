namespace Uploads.AppHost.Dashboard;

/// <summary>The latest value of one series: a sum or gauge's value, or a histogram's count, sum, min and max.</summary>
public sealed record MetricPointView(
    IReadOnlyDictionary<string, string> Attributes, double? Value, ulong? Count, double? Sum, double? Min, double? Max, double TimeMs);
