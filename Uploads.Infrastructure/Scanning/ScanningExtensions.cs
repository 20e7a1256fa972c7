using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Uploads.Infrastructure.Scanning;

public static class ScanningExtensions
{
    /// <summary>ClamAV (clamd) for malware, libmagic for the true type of content; the worker runs both on every file.</summary>
    public static IHostApplicationBuilder AddContentScanning(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ScanningOptions.ConnectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{ScanningOptions.ConnectionName}' is missing (ConnectionStrings__{ScanningOptions.ConnectionName}).");

        builder.Services.AddOptions<ScanningOptions>()
            .BindConfiguration(ScanningOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(ScannerEndpoint.Parse(connectionString));
        builder.Services.AddSingleton<ClamAvScanner>();
        builder.Services.AddSingleton<ContentSniffer>();
        builder.Services.AddHealthChecks().AddCheck<ScannerHealthCheck>("scanner", tags: ["ready"]);
        return builder;
    }
}

sealed class ScannerHealthCheck(ClamAvScanner scanner) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await scanner.PingAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("clamd does not answer PING.");
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            return HealthCheckResult.Unhealthy($"clamd cannot be reached: {ex.Message}");
        }
    }
}
