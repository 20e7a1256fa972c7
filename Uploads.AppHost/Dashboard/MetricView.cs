namespace Uploads.AppHost.Dashboard;

public sealed record MetricView(
    string Service, string Scope, string Name, string Description, string Unit, string Type, IReadOnlyList<MetricPointView> Points);
