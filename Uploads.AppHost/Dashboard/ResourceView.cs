namespace Uploads.AppHost.Dashboard;

/// <summary>A resource as the dashboard lists it.</summary>
public sealed record ResourceView(
    string Name, string Kind, string State, int? Pid, string Endpoint, string? Health, IReadOnlyList<string> WaitsFor);
