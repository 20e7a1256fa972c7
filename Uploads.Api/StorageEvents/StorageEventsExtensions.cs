namespace Uploads.Api.StorageEvents;

public static class StorageEventsExtensions
{
    public static IHostApplicationBuilder AddStorageEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageEventOptions>()
            .BindConfiguration(StorageEventOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }
}
