using Uploads.AppHost.Orchestration;

namespace Uploads.AppHost.Dashboard;

/// <summary>
/// Starts the dashboard before the resources, so that the projects export to its receiver from their first span,
/// and stops it after them.
/// </summary>
public sealed class DashboardLifecycleHook(DashboardOptions options) : IDistributedApplicationLifecycleHook
{
    /// <summary>The running dashboard; null before the application started.</summary>
    public DashboardHost? Host { get; private set; }

    public async Task BeforeStartAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        Host = await DashboardHost.StartAsync(options, app.Runners, cancellationToken);
        // An OTLP endpoint in the AppHost's own environment (a collector, the Aspire dashboard) wins, and passes through.
        app.OtlpEndpoint = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")) ? options.OtlpUrl : null;
        app.Log($"dashboard: {options.Url}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is { } host)
        {
            Host = null;
            await host.DisposeAsync();
        }
    }
}
