using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Uploads.AppHost.Orchestration;

namespace Uploads.AppHost.Dashboard;

/// <summary>
/// The AppHost's development dashboard, in the manner of Aspire's: the resources with their state, health and live
/// console, the traces the services export (drawn as waterfalls across services), their structured logs and metrics.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    readonly WebApplication app;

    DashboardHost(WebApplication app, DashboardOptions options, TelemetryStore telemetry)
    {
        this.app = app;
        Options = options;
        Telemetry = telemetry;
    }

    public DashboardOptions Options { get; }
    public TelemetryStore Telemetry { get; }

    public static async Task<DashboardHost> StartAsync(DashboardOptions options, IReadOnlyList<ResourceRunner> resources, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Listen(IPAddress.Loopback, options.OtlpPort);
        });

        var telemetry = new TelemetryStore();
        var app = builder.Build();
        app.MapDashboard(resources, telemetry, [$"localhost:{options.Port}", $"127.0.0.1:{options.Port}"]);
        app.MapOtlpReceiver(telemetry, $"*:{options.OtlpPort}");
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new ResourceStartException(
                $"The dashboard cannot listen on {options.Url} and {options.OtlpUrl} ({ex.Message}). " +
                "Another AppHost may be running; choose other ports with --dashboard-port and --otlp-port, or run without one: --dashboard false.", "");
        }

        return new DashboardHost(app, options, telemetry);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
