using MassTransit;

namespace Uploads.Worker.Derivatives;

public static class DerivativesExtensions
{
    /// <summary>Thumbnails and metadata after SYNCED: libvips locked down, and the maker.</summary>
    public static IHostApplicationBuilder AddDerivatives(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DerivativesOptions>()
            .BindConfiguration(DerivativesOptions.Section)
            .ValidateDataAnnotations()
            .Validate(options => options.Lease > options.TimeLimit, "Derivatives:Lease must be longer than Derivatives:TimeLimit.")
            .ValidateOnStart();
        ImageDerivatives.ConfigureLibvips();
        builder.Services.AddSingleton<ImageDerivatives>();
        builder.Services.AddSingleton<DerivativesMaker>();
        return builder;
    }

    /// <summary>The consumer of <c>DerivativesRequested</c>, for <c>AddMessaging</c>.</summary>
    public static IBusRegistrationConfigurator AddDerivativesConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DerivativesRequestedConsumer, DerivativesRequestedConsumerDefinition>();
        return bus;
    }
}
