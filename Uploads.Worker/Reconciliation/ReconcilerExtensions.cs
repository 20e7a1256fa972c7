using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Uploads.Worker.Sync;

namespace Uploads.Worker.Reconciliation;

public static class ReconcilerExtensions
{
    public static IHostApplicationBuilder AddReconciler(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReconcilerOptions>()
            .BindConfiguration(ReconcilerOptions.Section)
            .ValidateDataAnnotations()
            // Otherwise the reconciler republishes a file between two retries of its delivery; the copies find the file
            // held, end without a fault, and failed deliveries go uncounted.
            .Validate<IOptions<SyncOptions>>(
                (reconciler, sync) => reconciler.RepublishAfter > sync.Value.RetryMaxInterval,
                "Reconciler:RepublishAfter must be longer than Sync:RetryMaxInterval.")
            .ValidateOnStart();
        builder.Services.AddHostedService<Reconciler>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(Reconciler.MeterName));
        return builder;
    }
}
