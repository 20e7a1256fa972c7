using MassTransit;
using Uploads.Core.Messaging;

namespace Uploads.Worker.Sync;

public static class FileSyncExtensions
{
    public static IHostApplicationBuilder AddFileSync(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SyncOptions>()
            .BindConfiguration(SyncOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<FileSynchronizer>();
        builder.AddMessaging(bus =>
        {
            bus.AddConsumer<FileUploadedConsumer, FileUploadedConsumerDefinition>();
            bus.AddConsumer<FileSyncFaultConsumer, FileSyncFaultConsumerDefinition>();
        });
        // On SIGTERM the bus stops taking messages and gives the syncs in hand this long to finish; those still running
        // are cancelled, release their file, and go back to the queue for the next worker.
        builder.Services.Configure<MassTransitHostOptions>(host => host.StopTimeout = TimeSpan.FromSeconds(20));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        return builder;
    }
}
