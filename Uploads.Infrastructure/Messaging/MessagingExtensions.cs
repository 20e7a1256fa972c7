using MassTransit;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Uploads.Infrastructure.Messaging;

public static class MessagingExtensions
{
    /// <summary>Aspire's resource name; the connection string is <c>ConnectionStrings__messaging</c>, an AMQP URI.</summary>
    public const string ConnectionName = "messaging";

    public static IHostApplicationBuilder AddMessaging(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configureConsumers = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException($"Connection string '{ConnectionName}' is missing (ConnectionStrings__{ConnectionName}).");
        var broker = new Uri(connectionString);
        var (username, password) = Credentials(broker);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configureConsumers?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)broker.Port, VirtualHost(broker), host =>
                {
                    host.Username(username);
                    host.Password(password);
                });
                configureBus?.Invoke(context, rabbit);
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(DiagnosticHeaders.DefaultListenerName));
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(InstrumentationOptions.MeterName));
        return builder;
    }

    /// <summary>The user and password an AMQP URI names; RabbitMQ's <c>guest</c> when it names none.</summary>
    public static (string Username, string Password) Credentials(Uri broker)
    {
        var userInfo = broker.UserInfo.Split(':', 2);
        return userInfo.Length == 2
            ? (Uri.UnescapeDataString(userInfo[0]), Uri.UnescapeDataString(userInfo[1]))
            : ("guest", "guest");
    }

    static string VirtualHost(Uri broker)
    {
        var path = broker.AbsolutePath.TrimStart('/');
        return path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
    }
}
