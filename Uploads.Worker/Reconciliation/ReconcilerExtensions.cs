using OpenTelemetry.Metrics;

namespace Uploads.Worker.Reconciliation;

public static class ReconcilerExtensions
{
    public static IHostApplicationBuilder AddReconciler(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReconcilerOptions>()
            .BindConfiguration(ReconcilerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<Reconciler>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(Reconciler.MeterName));
        return builder;
    }
}
