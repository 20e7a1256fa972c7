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
        builder.AddMessaging(bus => bus.AddConsumer<FileUploadedConsumer, FileUploadedConsumerDefinition>());
        return builder;
    }
}
