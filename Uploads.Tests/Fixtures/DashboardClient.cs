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

    public async Task<IReadOnlyList<MetricView>> MetricsAsync() =>
        await dashboard.GetFromJsonAsync<List<MetricView>>("/api/metrics") ?? [];

    public async Task<IReadOnlyList<ResourceView>> ResourcesAsync() =>
        await dashboard.GetFromJsonAsync<List<ResourceView>>("/api/resources") ?? [];

    public void Dispose() => dashboard.Dispose();
}
