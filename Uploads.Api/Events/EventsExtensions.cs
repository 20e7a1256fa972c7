namespace Uploads.Api.Events;

public static class EventsExtensions
{
    /// <summary>Event streams, fed by one LISTEN connection per API process.</summary>
    public static IHostApplicationBuilder AddFileEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EventStreamOptions>()
            .BindConfiguration(EventStreamOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<EventStreamSlots>();
        builder.Services.AddSingleton<FileEvents>();
        builder.Services.AddSingleton<TransitionNotifications>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TransitionNotifications>());
        return builder;
    }
}
