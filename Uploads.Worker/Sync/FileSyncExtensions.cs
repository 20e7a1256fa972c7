using Microsoft.Extensions.Options;
using MassTransit;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Uploads.Infrastructure.Telemetry;

namespace Uploads.Worker.Sync;

public static class FileSyncExtensions
{
    public static IHostApplicationBuilder AddFileSync(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>()
            .BindConfiguration(SyncOptions.Section)
            .PostConfigure(sync => sync.RedeliveryDelays = sync.RedeliveryDelays is [] ? SyncOptions.DefaultRedeliveryDelays : sync.RedeliveryDelays)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FileSynchronizer>();
        // Before the bus (AddMessaging): hosted services stop in reverse order, so the leases are renewed for as long as
        // the bus lets the syncs in hand finish.
        builder.Services.AddSingleton<LeaseRenewals>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LeaseRenewals>());
        builder.Services.AddSingleton<SyncMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(SyncMetrics.MeterName));
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(UploadsTracing.SourceName));
        // On SIGTERM the bus stops taking messages and gives the syncs in hand StopTimeout to finish; those still running
        // are cancelled, release their file, and their message goes back to the queue for the next worker.
        builder.Services.AddOptions<MassTransitHostOptions>().Configure<IOptions<SyncOptions>>((host, sync) =>
        {
            host.ConsumerStopTimeout = sync.Value.StopTimeout;
            host.StopTimeout = sync.Value.StopTimeout + TimeSpan.FromSeconds(10);
        });
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<SyncOptions>>((host, sync) =>
            host.ShutdownTimeout = sync.Value.ShutdownTimeout);
        return builder;
    }

    /// <summary>The consumers of <c>FileUploaded</c> and of its deliveries' faults, for <c>AddMessaging</c>.</summary>
    public static IBusRegistrationConfigurator AddFileSyncConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<FileUploadedConsumer, FileUploadedConsumerDefinition>();
        bus.AddConsumer<FileSyncFaultConsumer, FileSyncFaultConsumerDefinition>();
        return bus;
    }
}
